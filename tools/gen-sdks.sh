#!/usr/bin/env bash
# Generates the Python, Go and Java SDKs of the provider from schema.json with
# `pulumi package gen-sdk` (our Go and Python language hosts, upstream's Java host:
# tools/setup-pulumi-langs.sh) into pulumi-sdks/, or into the directory given:
#   tools/gen-sdks.sh [out-dir]
# Expects the env of tools/env.sh. provider/engine-tests/sdks.test.ts fails when pulumi-sdks/ is not
# what this writes today.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/pulumi-sdks}")
PATH="$("$root/tools/setup-pulumi-langs.sh"):$PATH"
version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
go_module=$(node -p 'path.dirname(JSON.parse(fs.readFileSync(process.argv[1], "utf8")).language.go.importBasePath)' "$root/schema.json")
java_sdk=$(node -p 'JSON.parse(fs.readFileSync(process.argv[1], "utf8")).language.java.dependencies["com.pulumi:pulumi"]' "$root/schema.json")
pulumi_version=$(pulumi version)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# gen-sdk writes logs under PULUMI_HOME: a throw-away one.
export PULUMI_HOME="$tmp/home"
for lang in python go java; do
  pulumi package gen-sdk "$root/schema.json" --language "$lang" --out "$tmp/sdks" >&2
done

# Go: a module directory that a program's go.mod can `replace` to (the generator writes packages only).
cat >"$tmp/sdks/go/go.mod" <<GOMOD
module $go_module

go 1.25

require github.com/pulumi/pulumi/sdk/v3 $pulumi_version
GOMOD
(cd "$tmp/sdks/go" && GOFLAGS=-mod=mod go mod tidy >&2)

# Java: a Maven build beside the generator's Gradle one, and the resources its Gradle build would
# write at build time (the SDK reads its version, the Java host the plugin it needs).
sed -e "s/@VERSION@/$version/" -e "s/@PULUMI_JAVA_SDK@/$java_sdk/" "$root/tools/java-sdk/pom.xml" >"$tmp/sdks/java/pom.xml"
res="$tmp/sdks/java/src/main/resources/io/github/pulumiakash/akash"
mkdir -p "$res"
printf '%s' "$version" >"$res/version.txt"
printf '{\n  "resource": true,\n  "name": "akash",\n  "version": "%s"\n}\n' "$version" >"$res/plugin.json"

rm -rf "$out" && mkdir -p "$(dirname "$out")" && mv "$tmp/sdks" "$out"
echo "$out"
