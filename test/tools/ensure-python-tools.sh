#!/usr/bin/env bash
# Makes sure the pinned Python tools are present. Each pin is written once:
#   test/tools/requirements-moto.txt      moto (server mode), the AWS emulator of the demo and the integration tests
#   test/tools/requirements-scanners.txt  checkov, parliament, cloudsplaining: the scanners of test/security/ only
#
# Usage: ensure-python-tools.sh [--dry-run] moto|scanners|all|test
#   moto      what `npm run demo` needs. Nothing to do when the moto_server the harness will run (test/harness/moto.ts:
#             $MOTO_SERVER, else .venv/bin/moto_server, else moto_server on PATH) is the pinned version; otherwise moto
#             alone goes into the project venv (.venv). C1_USE_SYSTEM_MOTO=0 ignores a moto_server on PATH.
#   scanners  the scanners, in a venv of their own (.venv/scanners), so that installing them never changes the packages
#             of a moto that is running. If the background install that `test` started failed for these pins, this
#             fails at once, naming its log, instead of trying again.
#   all       moto, then the scanners.
#   test      `npm test`'s pretest: moto now (as `moto`); the scanners in the background, so the tests that need no
#             scanner start at once. The background install holds the scanners lock from before this script returns;
#             test/security/scanners.ts runs `scanners`, which waits for it and fails naming pip's log if it failed.
#   --dry-run  print the decision (`ok: ...` or `install: ...`, one line per set) and change nothing.
# moto is checked by asking the moto_server's Python for its version; the scanners by a stamp in their venv (sha256 of
# requirements-scanners.txt, written after pip succeeded), so later runs are a no-op until the file changes.
# An install shows one progress line; pip's output goes to a log that is named only when the install fails.
# Safe to run concurrently (several `npm test` or demos in one tree, or worktrees sharing one .venv): one installer
# per venv at a time (flock on a lock named after the venv's real path); the others wait, then find the work done.
set -euo pipefail
dry_run=0
if [ "${1:-}" = "--dry-run" ]; then dry_run=1; shift; fi
set_name="${1:-all}"
# Internal: the background half of `test`, started with the scanners lock already held on fd 8.
locked=0
if [ "$set_name" = "--locked-scanners" ]; then locked=1; set_name=scanners; fi
case "$set_name" in
  moto | scanners | all | test) ;;
  *) echo "ensure-python-tools: unknown set '$set_name' (moto, scanners, all or test)" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/../.." && pwd)"
tools="$root/test/tools"
moto_req="$tools/requirements-moto.txt"
scanners_req="$tools/requirements-scanners.txt"
want_moto="$(sed -n 's/^moto\[server\]==//p' "$moto_req")"
venv="$root/.venv"
scanners_venv="$venv/scanners"

pins() { grep -h -v -E '^[[:space:]]*(#|$)' "$@" | tr '\n' ' ' | sed 's/ $//'; }
stamp="$scanners_venv/.python-tools.sha256"
sum() { sha256sum < "$scanners_req" | cut -d' ' -f1; }
stamped() { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(sum)" ]; }

# Locks, logs and the failure record are named after the venv's real path: worktrees may share one .venv (a symlink).
tag="$(realpath -m "$venv" | sha256sum | cut -c1-12)"
# Under C1_TEST_CACHE_DIR when jest set it (test/tools/temp-root.js moves TMPDIR into a per-run folder for its workers;
# the pretest's background install ran before that, with the OS temp dir, and both must name the same lock).
state="${C1_TEST_CACHE_DIR:-${TMPDIR:-/tmp}}/c1-python-tools-$tag"
failed_record="$state-scanners.failed"

# The moto a moto_server runs, as the Python beside it (a venv's, pyenv's shims) reports it; empty when unknown.
moto_version_of() {
  local server="$1" py=python3 c
  case "$server" in */*) ;; *) server="$(command -v "$server" 2>/dev/null)" || return 0 ;; esac
  for c in "$(dirname "$server")/python3" "$(dirname "$server")/python"; do
    if [ -x "$c" ]; then py="$c"; break; fi
  done
  "$py" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null || true
}

# Sets `decision` to "ok: <why>" or "install: <why>" for moto.
v_explicit=""
decide_moto() {
  local v path
  if [ -n "${MOTO_SERVER:-}" ]; then
    # The harness runs this one whatever it is: an explicit choice is the caller's, so no install could change it.
    v_explicit="$(moto_version_of "$MOTO_SERVER")"
    decision="ok: MOTO_SERVER=$MOTO_SERVER (moto ${v_explicit:-of unknown version}, pinned $want_moto)"
  elif path="$venv/bin/moto_server" && [ -e "$path" ] ||
       { [ "${C1_USE_SYSTEM_MOTO:-1}" != 0 ] && path="$(command -v moto_server 2>/dev/null)"; }; then
    # The harness prefers the venv's moto_server to one on PATH, so once the venv has one, only that one counts.
    v="$(moto_version_of "$path")"
    if [ "$v" = "$want_moto" ]; then decision="ok: $path runs the pinned moto $want_moto"
    else decision="install: $(pins "$moto_req") into $venv ($path runs moto ${v:-of unknown version}, pinned $want_moto)"; fi
  else
    decision="install: $(pins "$moto_req") into $venv (no moto_server$([ "${C1_USE_SYSTEM_MOTO:-1}" = 0 ] && echo ' outside the venv: C1_USE_SYSTEM_MOTO=0' || echo ' on PATH'))"
  fi
}

# Sets `decision` for the scanners.
decide_scanners() {
  if stamped && [ -x "$scanners_venv/bin/checkov" ]; then decision="ok: $scanners_venv holds $(pins "$scanners_req")"
  else decision="install: $(pins "$scanners_req") into $scanners_venv (not installed there at these pins yet)"; fi
}

# install <venv> <log> <compile: 0|1> <requirement files...>: one progress line on stderr, pip's output in <log>,
# named (with its last lines) only on failure. Returns pip's status.
install() {
  local target="$1" log="$2" compile="$3" start=$SECONDS status args=()
  shift 3
  for f in "$@"; do args+=(-r "$f"); done
  printf 'python tools: installing %s into %s ... ' "$(pins "$@")" "$target" >&2
  # --no-compile: compiling every module of botocore, sympy, cfn-lint... up front was half of moto's install (54 s ->
  # 28 s on the 2-core machine). The tests start moto once per file, and where PYTHONDONTWRITEBYTECODE is set (this
  # machine) nothing compiled at import is kept: for them (`test`, `all`) the moto venv is compiled afterwards. The
  # scanners write their own bytecode as they import (test/security/scanners.ts), only what they use.
  if { mkdir -p "$(dirname "$target")" && python3 -m venv "$target" &&
       "$target/bin/python" -m pip install --disable-pip-version-check --progress-bar off --no-compile "${args[@]}" &&
       { [ "$compile" = 0 ] || "$target/bin/python" -m compileall -q -j 0 "$("$target/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" || true; }; } >"$log" 2>&1; then
    rm -f "$log"
    printf 'done in %d s\n' $((SECONDS - start)) >&2
    return 0
  else
    status=$?
    printf 'failed (exit %d) after %d s; the last lines of its output:\n' "$status" $((SECONDS - start)) >&2
    tail -n 15 "$log" | cut -c1-400 | sed 's/^/  /' >&2
    echo "python tools: the whole output is in $log" >&2
    return "$status"
  fi
}

ensure_moto() {
  local compile=0
  decide_moto
  case "$decision" in ok:*)
    if [ -n "${MOTO_SERVER:-}" ] && [ "$v_explicit" != "$want_moto" ]; then echo "python tools: note: ${decision#ok: }" >&2; fi
    return 0 ;;
  esac
  exec 7>"$state-moto.lock"
  if command -v flock >/dev/null 2>&1; then flock 7; fi
  decide_moto # another run may have finished the install while we waited
  case "$decision" in ok:*) exec 7>&-; return 0 ;; esac
  if [ "$set_name" != moto ]; then compile=1; fi
  install "$venv" "$state-moto.log" "$compile" "$moto_req" || exit 1
  exec 7>&-
}

# The scanners, with the lock held on fd 8.
install_scanners_locked() {
  decide_scanners # another run may have finished the install while we waited
  case "$decision" in ok:*) return 0 ;; esac
  if [ -f "$failed_record" ] && [ "$(sed -n 's/^sum //p' "$failed_record")" = "$(sum)" ]; then
    # The background install of this `npm test` failed: say so, once per caller, without a second 100 s attempt.
    local log
    log="$(sed -n 's/^log //p' "$failed_record")"
    echo "python tools: the background install of $(pins "$scanners_req") into $scanners_venv failed (exit $(sed -n 's/^exit //p' "$failed_record")); the last lines of its output:" >&2
    tail -n 15 "$log" 2>/dev/null | cut -c1-400 | sed 's/^/  /' >&2
    echo "python tools: the whole output is in $log" >&2
    return 1
  fi
  rm -f "$stamp" # not stamped while pip changes the venv
  local log="$state-scanners.log" status=0
  install "$scanners_venv" "$log" 0 "$scanners_req" || status=$?
  if [ "$status" = 0 ]; then sum > "$stamp"; rm -f "$failed_record"
  else printf 'exit %s\nlog %s\nsum %s\n' "$status" "$log" "$(sum)" > "$failed_record"; fi
  return "$status"
}

ensure_scanners() {
  decide_scanners
  case "$decision" in ok:*) return 0 ;; esac
  if [ "$locked" = 0 ]; then
    exec 8>"$state-scanners.lock"
    if command -v flock >/dev/null 2>&1; then flock 8; fi
  fi
  install_scanners_locked || exit 1
}

if [ "$dry_run" = 1 ]; then
  case "$set_name" in
    moto) decide_moto; echo "$decision" ;;
    scanners) decide_scanners; echo "$decision" ;;
    all | test) decide_moto; echo "$decision"; decide_scanners; echo "$decision" ;;
  esac
  exit 0
fi

case "$set_name" in
  moto) ensure_moto ;;
  scanners) ensure_scanners ;;
  all) ensure_moto; ensure_scanners ;;
  test)
    ensure_moto
    decide_scanners
    case "$decision" in ok:*) exit 0 ;; esac
    # A new `npm test` tries again after a failed install.
    rm -f "$failed_record"
    exec 8>"$state-scanners.lock"
    if command -v flock >/dev/null 2>&1 && ! flock -n 8; then
      # Another run is installing them; the tests that need them wait for it (`scanners`).
      echo "python tools: the scanners are being installed by another run; the tests that need them will wait for it" >&2
      exit 0
    fi
    echo "python tools: installing $(pins "$scanners_req") into $scanners_venv in the background; the tests that need them wait for it" >&2
    # The child inherits fd 8 and so holds the lock until it ends; its output goes to the log, not to npm's pipes
    # (npm would wait for them to close).
    bash "$0" --locked-scanners </dev/null >/dev/null 2>&1 &
    exit 0 ;;
esac
