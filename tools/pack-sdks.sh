#!/usr/bin/env bash
# Builds the generated SDKs (pulumi-sdks/) as their users install them, into the directory given
# (`make pack`: .tmp/pack), and prints each artefact's path:
#   pulumi_akash-<version>-py3-none-any.whl   pip install it into the program's virtual environment
#   pulumi-akash-go-<version>/                a Go module directory: `replace` the SDK's module path to it
#   maven/                                    a Maven repository holding io.github.pulumiakash:akash:<version>
#                                             (its jar is also copied beside it)
# Needs python3 with pip (Python), Go, and Maven with a JDK 11+ (Java); it reaches PyPI and Maven
# Central for the build tools and com.pulumi:pulumi.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:?usage: tools/pack-sdks.sh <out-dir>}")
version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Built from a copy: setuptools and Maven write their build trees beside the sources.
cp -R "$root/pulumi-sdks/python" "$tmp/python"
python3 -m pip wheel --quiet --no-deps --wheel-dir "$out" "$tmp/python" >&2
echo "$out/pulumi_akash-$version-py3-none-any.whl"

rm -rf "$out/pulumi-akash-go-$version"
cp -R "$root/pulumi-sdks/go" "$out/pulumi-akash-go-$version"
echo "$out/pulumi-akash-go-$version"

# Maven's output (even -q prints terminal resets) is shown only when it fails.
mvn_quiet() { mvn -q -B -Dstyle.color=never "$@" >"$tmp/mvn.log" 2>&1 || { cat "$tmp/mvn.log" >&2; return 1; }; }
cp -R "$root/pulumi-sdks/java" "$tmp/java"
mvn_quiet -f "$tmp/java/pom.xml" package -DskipTests
jar="$tmp/java/target/akash-$version.jar"
rm -rf "$out/maven"
mvn_quiet install:install-file -Dfile="$jar" -DpomFile="$tmp/java/pom.xml" -DlocalRepositoryPath="$out/maven"
cp "$jar" "$out/"
echo "$out/maven"
