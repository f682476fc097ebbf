# Sourced by every stage script: the project directory, the stack, and what the stages need.
# Environment (CI secrets and variables): PULUMI_STACK; PULUMI_BACKEND_URL (or PULUMI_ACCESS_TOKEN
# for Pulumi Cloud); PULUMI_CONFIG_PASSPHRASE with a passphrase secrets provider; AKASH_API_KEY
# (unless the stack config has akash:apiKey); AKASH_API_URL only for another API than the live
# Console API. Dependencies are installed before (npm ci), and `pulumi` is on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${PULUMI_STACK:?set PULUMI_STACK to the stack this pipeline manages}"
export PULUMI_SKIP_UPDATE_CHECK=true
pulumi stack select --create "$PULUMI_STACK" --non-interactive >/dev/null
