#!/usr/bin/env bash
# Makes sure the Python tools the tests drive are present, pinned: moto (server mode) always; more tools are added
# to requirements as later suites need them. Uses the machine's moto_server when it is the pinned version, else a
# project-local venv (.venv) made from test/tools/requirements.txt. Idempotent and quiet when nothing is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
req="$root/test/tools/requirements.txt"
want_moto="$(sed -n 's/^moto\[server\]==//p' "$req")"
venv="$root/.venv"
stamp="$venv/.requirements.sha256"
sum="$(sha256sum "$req" | cut -d' ' -f1)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && [ -x "$venv/bin/moto_server" ]; then
  exit 0
fi
if [ "${C1_USE_SYSTEM_MOTO:-1}" = "1" ] && command -v moto_server >/dev/null 2>&1 \
   && [ "$(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null)" = "$want_moto" ] \
   && [ "$(grep -cv -E '^(#|$|moto\[server\]==)' "$req")" = "0" ]; then
  exit 0
fi
echo "ensure-python-tools: installing $(grep -v '^#' "$req" | tr '\n' ' ')into $venv" >&2
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
echo "$sum" > "$stamp"
