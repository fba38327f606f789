#!/usr/bin/env bash
# Compiles every kernels/src/main/cuda/*.cu into one fatbin (SASS for sm_80 and sm_90, PTX for newer
# GPUs) at OUT_DIR/jdistill.fatbin, and writes OUT_DIR/build-info.properties saying whether it did.
# Without nvcc on the PATH the build still succeeds: build-info says why no fatbin exists, and the
# CUDA backend repeats that when asked for.
set -euo pipefail
src=$(cd "$1" && pwd)
out=$2
mkdir -p "$out"
info="$out/build-info.properties"
nvcc_bin=${NVCC:-$(command -v nvcc || true)}
if [[ -z $nvcc_bin ]]; then
  echo "kernels: nvcc not found on the PATH; the CUDA backend will be unavailable" >&2
  printf 'built=false\nreason=nvcc was not on the PATH when the project was built; install the CUDA toolkit and rebuild (./mvnw -pl kernels package)\n' > "$info"
  rm -f "$out/jdistill.fatbin"
  exit 0
fi
shopt -s nullglob
sources=("$src"/*.cu)
if ((${#sources[@]} == 0)); then
  printf 'built=false\nreason=no kernel sources in %s\n' "$src" > "$info"
  exit 0
fi
fatbin="$out/jdistill.fatbin"
# Rebuild only when a source or header is newer than the fatbin.
if [[ -f $fatbin && -f $info ]] && grep -q '^built=true' "$info" &&
   [[ -z $(find "$src" -newer "$fatbin" -type f -print -quit) ]]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One translation unit including every source keeps a single module (one cuModuleLoadData call).
all="$tmp/all_kernels.cu"
for f in "${sources[@]}"; do printf '#include "%s"\n' "$f"; done > "$all"
arch=(-gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90)
echo "kernels: compiling ${#sources[@]} CUDA sources with $nvcc_bin" >&2
# --threads: the three targets compile in parallel (NVCC_THREADS=1 to serialise).
"$nvcc_bin" -fatbin -O3 -std=c++17 -I"$src" "${arch[@]}" --threads "${NVCC_THREADS:-2}" -Xptxas -warn-spills \
  -o "$tmp/jdistill.fatbin" "$all"
mv "$tmp/jdistill.fatbin" "$fatbin"
version=$("$nvcc_bin" --version | tail -1)
printf 'built=true\nnvcc=%s\narchitectures=sm_80,sm_90,compute_90\nsources=%s\n' "$version" "$(cd "$src" && ls *.cu | tr '\n' ' ')" > "$info"
