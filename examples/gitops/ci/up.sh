#!/usr/bin/env bash
# Merge stage: apply the main branch. --refresh first reads what changed outside Pulumi (closed
# deployments are re-created instead of failing an update).
. "$(dirname "$0")/stage.sh"
pulumi up --stack "$PULUMI_STACK" --refresh --yes --skip-preview --non-interactive
