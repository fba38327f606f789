#!/usr/bin/env bash
# Packs the project for a GPU host (no Java, no Maven there): builds and installs the modules,
# runs the shared bundle script, then drops the jars that only CPU-side reference tests use
# (ONNX Runtime, the MiniLM model jar, HF tokenizers, OpenBLAS) so the bundle stays under the
# 64 MiB a device call carries. Then, on the GPU host, from the repository root:
#   bash .devbundle/test.sh                                   # tests tagged gpu
#   bash .devbundle/java.sh jdistill.distill.cli.Main bench step --device cuda
set -euo pipefail
cd "$(dirname "$0")/.."
jdk=$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)
JAVA_HOME=${JAVA_HOME:-$jdk} ./mvnw -q -B -DskipTests install
JAVA_HOME=${JAVA_HOME:-$jdk} ../shared/device/make-bundle.sh .devbundle
rm -f .devbundle/lib/onnxruntime-*.jar .devbundle/lib/langchain4j-*.jar .devbundle/lib/tokenizers-*.jar .devbundle/lib/openblas-*.jar
size=$(du -sm .devbundle | cut -f1)
echo "gpu-bundle: .devbundle is ${size} MiB"
if ((size > 63)); then echo "gpu-bundle: over the 64 MiB a device call carries; prune more" >&2; exit 1; fi
