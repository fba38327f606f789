#!/usr/bin/env bash
# Builds the host emulator of the CUDA driver (kernels/src/test/emulator) with the kernel sources
# compiled for the CPU, as OUT_DIR/libcuda.so.1. Tests run against it by putting OUT_DIR first on
# LD_LIBRARY_PATH: JCuda then binds to it instead of a real driver, and the GPU tests exercise the
# real launch code and the real kernel code without a GPU.
# Needs a C++17 compiler (g++ or $CXX), the CUDA headers (cuda_bf16.h) and x86-64 Linux; without
# them it says why and builds nothing (the GPU tests then skip, as on any machine without CUDA).
# Usage: build-emulator.sh KERNEL_SRC_DIR EMULATOR_SRC_DIR OUT_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
emu=$(cd "$2" && pwd)
out=$3
mkdir -p "$out"
lib="$out/libcuda.so.1"
skip() {
  echo "kernels: host CUDA emulator not built: $*" >&2
  rm -f "$lib"
  exit 0
}
[[ $(uname -s) == Linux && $(uname -m) == x86_64 ]] || skip "it runs on x86-64 Linux only"
cxx=${CXX:-g++}
command -v "$cxx" > /dev/null || skip "no C++ compiler ($cxx) on the PATH"
cuda_include=""
for d in ${CUDA_HOME:+"$CUDA_HOME/include"} "$(dirname "$(readlink -f "$(command -v nvcc || echo /nonexistent/bin/nvcc)")")/../include" \
         /usr/local/cuda/include /usr/include; do
  if [[ -f $d/cuda_bf16.h ]]; then cuda_include=$(cd "$d" && pwd); break; fi
done
[[ -n $cuda_include ]] || skip "no CUDA headers (cuda_bf16.h) found"
if [[ -f $lib && -z $(find "$src" "$emu" "$0" -newer "$lib" -type f -print -quit) ]]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$src"/*.cu; do printf '#include "%s"\n' "$f"; done > "$tmp/kernels.cpp"
# CUDA code type-puns freely (uint4 loads of float vectors): no strict-aliasing assumptions.
flags=(-std=c++17 -fno-strict-aliasing -fPIC -fvisibility=hidden -Wno-unknown-pragmas -I"$emu" -I"$src" -I"$cuda_include")
# The kernel names, read from the preprocessed sources (every __global__ is extern "C").
"$cxx" "${flags[@]}" -include cuda_host.h -E -P "$tmp/kernels.cpp" > "$tmp/preprocessed" ||
  skip "$cxx failed to preprocess the kernel sources (errors above)"
{ grep -oE 'extern "C" __attribute__\(\(used\)\) void +[A-Za-z_][A-Za-z0-9_]*' "$tmp/preprocessed" || true; } |
  awk '{print $NF}' | sort -u > "$tmp/names"
[[ -s $tmp/names ]] || skip "no kernels found in $src"
{
  echo '#include "kernels.cpp"'
  echo '#include "registry.h"'
  echo 'namespace { const jdemu::KernelEntry kKernels[] = {'
  sed 's/.*/JDEMU_KERNEL(&)/' "$tmp/names"
  echo '}; }'
  echo 'const jdemu::KernelEntry* jdemu::kernel_table(size_t* count) { *count = sizeof kKernels / sizeof kKernels[0]; return kKernels; }'
} > "$tmp/registry.cpp"
echo "kernels: building the host CUDA emulator ($(wc -l < "$tmp/names") kernels) with $cxx" >&2
# A compiler that cannot build it (another g++ or CUDA header version) costs the emulated GPU tests,
# not the build: they skip, as on a machine without the emulator. nvcc still checks the sources.
build() {
  "$cxx" "${flags[@]}" -O2 -include cuda_host.h -c "$tmp/registry.cpp" -o "$tmp/kernels.o" &
  local kernels=$! ok=true
  "$cxx" "${flags[@]}" -O2 -c "$emu/scheduler.cpp" -o "$tmp/scheduler.o" &&
    "$cxx" "${flags[@]}" -O2 -c "$emu/driver.cpp" -o "$tmp/driver.o" || ok=false
  wait "$kernels" || ok=false
  $ok && "$cxx" -shared -Wl,-soname,libcuda.so.1 -o "$tmp/libcuda.so.1" "$tmp/kernels.o" "$tmp/scheduler.o" "$tmp/driver.o"
}
build || skip "$cxx failed to compile it (errors above)"
mv "$tmp/libcuda.so.1" "$lib"
