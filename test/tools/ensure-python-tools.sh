#!/usr/bin/env bash
# Makes sure the Python tools the tests drive are present, pinned (test/tools/requirements.txt): moto (server mode)
# and the scanners of test/security/ (checkov, parliament, cloudsplaining).
# - Requirements that hold only moto, on a machine whose moto_server is the pinned version: nothing to do.
# - Otherwise a project-local venv (.venv) is made from the requirements; a stamp (sha256 of the requirements file)
#   makes later runs a no-op until the file changes.
# Idempotent, quiet when nothing is missing, and safe to run concurrently (several `npm test` in one tree): one
# installer at a time (flock), the others wait and then find the stamp.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
req="$root/test/tools/requirements.txt"
want_moto="$(sed -n 's/^moto\[server\]==//p' "$req")"
venv="$root/.venv"
stamp="$venv/.requirements.sha256"
sum="$(sha256sum "$req" | cut -d' ' -f1)"

venv_ok() { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && [ -x "$venv/bin/moto_server" ]; }
only_moto() { [ "$(grep -cv -E '^[[:space:]]*(#|$|moto\[server\]==)' "$req")" = "0" ]; }

venv_ok && exit 0
if [ "${C1_USE_SYSTEM_MOTO:-1}" = "1" ] && only_moto && command -v moto_server >/dev/null 2>&1 \
   && [ "$(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null)" = "$want_moto" ]; then
  exit 0
fi

lock="${TMPDIR:-/tmp}/c1-python-tools-$(printf %s "$root" | sha256sum | cut -c1-12).lock"
exec 9>"$lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
venv_ok && exit 0   # another run finished the install while we waited

echo "ensure-python-tools: installing $(grep -v -E '^[[:space:]]*(#|$)' "$req" | tr '\n' ' ')into $venv" >&2
rm -f "$stamp"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
echo "$sum" > "$stamp"
