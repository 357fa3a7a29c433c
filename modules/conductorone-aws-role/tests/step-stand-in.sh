#!/bin/sh
# Stands in for `c1-aws step` in the native tests (offline, mock provider), where the real CLI cannot reach AWS:
# checks the module's half of the contract and exits 1 on any difference, failing the run. The real CLI runs in
# test/e2e/module-apply.test.ts.
#   step-stand-in.sh <expected BATON_EXTERNAL_ID_SHA256> <none | arns=<list> | path=<path>> step
set -u
fail() {
  echo "step stand-in: $*" >&2
  exit 1
}
[ "$#" -eq 3 ] || fail "expected 3 arguments (2 expectations, then step), got $#"
want_digests=$1
want_scope=$2
[ "$3" = step ] || fail "the module's command must be the single argument step"

[ "${BATON_EXTERNAL_ID_SHA256-}" = "$want_digests" ] || fail "BATON_EXTERNAL_ID_SHA256 is not the digests of every external ID, in order"
[ -z "${BATON_EXTERNAL_ID+set}" ] || fail "BATON_EXTERNAL_ID is set without sync_assume_role"
for name in BATON_ROLE_ARN BATON_TRUSTED_PRINCIPAL_ARN BATON_GLOBAL_AWS_ORGS_ENABLED BATON_GLOBAL_AWS_SSO_ENABLED BATON_GLOBAL_AWS_SSO_REGION BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED BATON_PROVISIONING BATON_VALIDATE_WAIT C1_SYNC_STEP C1_SNAPSHOT_PATH; do
  eval "value=\${$name-}"
  [ -n "$value" ] || fail "$name is not set"
done
# The member role's name goes with the cross-account flag, never without it.
case "$BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED" in
  true) [ -n "${BATON_IAM_ASSUME_ROLE_NAME-}" ] || fail "BATON_IAM_ASSUME_ROLE_NAME is not set with member accounts on" ;;
  false) [ -z "${BATON_IAM_ASSUME_ROLE_NAME+set}" ] || fail "BATON_IAM_ASSUME_ROLE_NAME is set with member accounts off" ;;
  *) fail "BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED must be true or false" ;;
esac
case "$want_scope" in
  none)
    [ -z "${BATON_PROVISIONING_GROUP_ARNS+set}${BATON_PROVISIONING_GROUP_PATH+set}" ] || fail "a provisioning group scope is set without provisioning"
    ;;
  arns=*)
    [ "${BATON_PROVISIONING_GROUP_ARNS-}" = "${want_scope#arns=}" ] || fail "BATON_PROVISIONING_GROUP_ARNS is not provisioning_group_arns as a JSON array"
    [ -z "${BATON_PROVISIONING_GROUP_PATH+set}" ] || fail "BATON_PROVISIONING_GROUP_PATH is set beside BATON_PROVISIONING_GROUP_ARNS"
    ;;
  path=*)
    [ "${BATON_PROVISIONING_GROUP_PATH-}" = "${want_scope#path=}" ] || fail "BATON_PROVISIONING_GROUP_PATH is not the effective group path"
    [ -z "${BATON_PROVISIONING_GROUP_ARNS+set}" ] || fail "BATON_PROVISIONING_GROUP_ARNS is set without provisioning_group_arns"
    ;;
  *) fail "unknown scope expectation" ;;
esac
echo "step stand-in: argv and environment as agreed ($C1_SYNC_STEP)"
