#!/bin/sh
# Stands in for `c1-aws step` in optional_reads.tftest.hcl (offline, mock provider): checks the opt-in reads' half of
# the step's environment and exits 1 on any difference, failing the run.
#   optional-reads-stand-in.sh <expected BATON_SYNC_SECRETS | unset> <expected BATON_SYNC_RESOURCE_TYPES | unset> step
set -u
fail() {
  echo "optional-reads stand-in: $*" >&2
  exit 1
}
[ "$#" -eq 3 ] || fail "expected 3 arguments (2 expectations, then step), got $#"
[ "$3" = step ] || fail "the module's command must be the single argument step"
check() {
  name=$1
  want=$2
  if [ "$want" = unset ]; then
    eval "[ -z \"\${$name+set}\" ]" || fail "$name is set with no switch asking for it"
  else
    eval "value=\${$name-<unset>}"
    [ "$value" = "$want" ] || fail "$name is \"$value\", expected \"$want\""
  fi
}
check BATON_SYNC_SECRETS "$1"
check BATON_SYNC_RESOURCE_TYPES "$2"
echo "optional-reads stand-in: BATON_SYNC_SECRETS and BATON_SYNC_RESOURCE_TYPES as agreed"
