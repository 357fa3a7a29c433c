#!/usr/bin/env bash
# Makes sure the pinned Python tools are present. Each pin is written once:
#   test/tools/requirements-moto.txt      moto (server mode), the AWS emulator of the demo and the integration tests
#   test/tools/requirements-scanners.txt  checkov, parliament, cloudsplaining: the scanners of test/security/ only
#
# Usage: ensure-python-tools.sh [--dry-run] moto|all
#   moto  what `npm run demo` needs. Nothing to do when the moto_server the harness will run (test/harness/moto.ts:
#         $MOTO_SERVER, else .venv/bin/moto_server, else moto_server on PATH) is the pinned version; otherwise moto
#         alone goes into the project venv (.venv). C1_USE_SYSTEM_MOTO=0 ignores a moto_server on PATH.
#   all   what `npm test` needs (its pretest): moto and the scanners, in .venv, in one pip resolution.
#   --dry-run  print the decision (`ok: ...` or `install: ...`) and change nothing.
# moto is checked by asking the moto_server's Python for its version; the whole set by a stamp in .venv (sha256 of
# both requirement files, written after pip succeeded), so later runs are a no-op until a file changes.
# An install shows one progress line; pip's output goes to a log that is named only when the install fails.
# Safe to run concurrently (several `npm test` or demos in one tree): one installer at a time (flock); the others
# wait, then find the work done.
set -euo pipefail
dry_run=0
if [ "${1:-}" = "--dry-run" ]; then dry_run=1; shift; fi
set_name="${1:-all}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
tools="$root/test/tools"
case "$set_name" in
  moto) files=("$tools/requirements-moto.txt") ;;
  all) files=("$tools/requirements-moto.txt" "$tools/requirements-scanners.txt") ;;
  *) echo "ensure-python-tools: unknown set '$set_name' (moto or all)" >&2; exit 2 ;;
esac
want_moto="$(sed -n 's/^moto\[server\]==//p' "$tools/requirements-moto.txt")"
venv="$root/.venv"

pins() { grep -h -v -E '^[[:space:]]*(#|$)' "$@" | tr '\n' ' ' | sed 's/ $//'; }
stamp="$venv/.python-tools.sha256"
sum() { cat "$tools/requirements-moto.txt" "$tools/requirements-scanners.txt" | sha256sum | cut -d' ' -f1; }
stamped() { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(sum)" ]; }

# The moto a moto_server runs, as the Python beside it (a venv's, pyenv's shims) reports it; empty when unknown.
moto_version_of() {
  local server="$1" py=python3 c
  case "$server" in */*) ;; *) server="$(command -v "$server" 2>/dev/null)" || return 0 ;; esac
  for c in "$(dirname "$server")/python3" "$(dirname "$server")/python"; do
    if [ -x "$c" ]; then py="$c"; break; fi
  done
  "$py" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null || true
}

# Sets `decision` to "ok: <why>" or "install: <why>".
v_explicit=""
decide() {
  local v path
  if [ "$set_name" = all ]; then
    if stamped && [ -x "$venv/bin/moto_server" ] && [ -x "$venv/bin/checkov" ]; then
      decision="ok: $venv holds $(pins "${files[@]}")"
    else
      decision="install: $(pins "${files[@]}") into $venv (not installed there at these pins yet)"
    fi
    return
  fi
  if [ -n "${MOTO_SERVER:-}" ]; then
    # The harness runs this one whatever it is: an explicit choice is the caller's, so no install could change it.
    v_explicit="$(moto_version_of "$MOTO_SERVER")"
    decision="ok: MOTO_SERVER=$MOTO_SERVER (moto ${v_explicit:-of unknown version}, pinned $want_moto)"
  elif path="$venv/bin/moto_server" && [ -e "$path" ] ||
       { [ "${C1_USE_SYSTEM_MOTO:-1}" != 0 ] && path="$(command -v moto_server 2>/dev/null)"; }; then
    # The harness prefers the venv's moto_server to one on PATH, so once the venv has one, only that one counts.
    v="$(moto_version_of "$path")"
    if [ "$v" = "$want_moto" ]; then decision="ok: $path runs the pinned moto $want_moto"
    else decision="install: $(pins "${files[@]}") into $venv ($path runs moto ${v:-of unknown version}, pinned $want_moto)"; fi
  else
    decision="install: $(pins "${files[@]}") into $venv (no moto_server$([ "${C1_USE_SYSTEM_MOTO:-1}" = 0 ] && echo ' outside the venv: C1_USE_SYSTEM_MOTO=0' || echo ' on PATH'))"
  fi
}

decide
if [ "$dry_run" = 1 ]; then echo "$decision"; exit 0; fi
case "$decision" in ok:*)
  if [ -n "${MOTO_SERVER:-}" ] && [ "$set_name" = moto ] && [ "$v_explicit" != "$want_moto" ]; then
    echo "python tools: note: ${decision#ok: }" >&2
  fi
  exit 0 ;;
esac

tag="$(printf %s "$root" | sha256sum | cut -c1-12)"
lock="${TMPDIR:-/tmp}/c1-python-tools-$tag.lock"
exec 9>"$lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
decide # another run may have finished the install while we waited
case "$decision" in ok:*) exit 0 ;; esac

log="${TMPDIR:-/tmp}/c1-python-tools-$tag.log"
start=$SECONDS
printf 'python tools: installing %s into %s ... ' "$(pins "${files[@]}")" "$venv" >&2
# The venv is not stamped while pip changes it (moto alone may change what the scanners were resolved with).
rm -f "$stamp"
args=()
for f in "${files[@]}"; do args+=(-r "$f"); done
# --no-compile: compiling every module of botocore, sympy, cfn-lint... up front was half of moto's install (54 s ->
# 28 s on the 2-core machine); the demo starts moto once. The tests start moto per file and checkov many times, and
# where PYTHONDONTWRITEBYTECODE is set (this machine) nothing compiled at import is kept: `all` compiles the whole
# venv, moto from an earlier demo install included (a module that does not compile is pip's business, not ours).
compile_all() {
  [ "$set_name" = all ] || return 0
  "$venv/bin/python" -m compileall -q -j 0 "$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" || true
}
if { python3 -m venv "$venv" &&
     "$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off --no-compile "${args[@]}" &&
     compile_all; } >"$log" 2>&1; then
  if [ "$set_name" = all ]; then sum > "$stamp"; fi
  rm -f "$log"
  printf 'done in %d s\n' $((SECONDS - start)) >&2
else
  status=$?
  printf 'failed (exit %d) after %d s; the last lines of its output:\n' "$status" $((SECONDS - start)) >&2
  tail -n 15 "$log" | sed 's/^/  /' >&2
  echo "python tools: the whole output is in $log" >&2
  exit 1
fi
