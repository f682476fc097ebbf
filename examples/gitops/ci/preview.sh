#!/usr/bin/env bash
# Pull request stage: what merging would change, with drift refreshed first. Writes the output as a
# Markdown comment to $PREVIEW_COMMENT (default preview.md) for the pipeline to post.
. "$(dirname "$0")/stage.sh"
comment=${PREVIEW_COMMENT:-preview.md}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
pulumi preview --stack "$PULUMI_STACK" --refresh --diff --non-interactive 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
set -e
{
  echo "#### \`pulumi preview\` of stack \`$PULUMI_STACK\` (exit $code)"
  echo '```'
  # A pull request comment holds 65,536 characters: keep the end, where the summary is.
  tail -c 60000 "$log"
  echo '```'
} >"$comment"
exit "$code"
