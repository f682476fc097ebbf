#!/usr/bin/env bash
# Scheduled stage: the read-only drift check. Exit 0 in sync, 7 drift, 1 error (unreachable API or
# refused key included). The JSON report goes to $DRIFT_REPORT (default drift.json) for a webhook.
# DRIFT_REMEDIATE=true runs `pulumi up --refresh` after reporting; DRIFT_THRESHOLD (default 72h)
# is how early escrow running dry and expiring API keys are reported.
. "$(dirname "$0")/stage.sh"
report=${DRIFT_REPORT:-drift.json}
args=(drift --stack "$PULUMI_STACK" --report "$report")
[ "${DRIFT_REMEDIATE:-false}" = true ] && args+=(--remediate)
[ -n "${DRIFT_THRESHOLD:-}" ] && args+=(--threshold "$DRIFT_THRESHOLD")
text=$(mktemp)
trap 'rm -f "$text"' EXIT
set +e
npx --no pulumi-akash "${args[@]}" | tee "$text"
code=${PIPESTATUS[0]}
set -e
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  { echo "#### Drift of stack \`$PULUMI_STACK\` (exit $code)"; echo '```'; cat "$text"; echo '```'; } >>"$GITHUB_STEP_SUMMARY"
fi
exit "$code"
