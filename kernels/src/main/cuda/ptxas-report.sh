#!/usr/bin/env bash
# Prints a markdown table of registers, stack frame and spill bytes per kernel for sm_80 and
# sm_90, compiling the same single translation unit as build-fatbin.sh (cubins in a temp dir).
# Usage: kernels/src/main/cuda/ptxas-report.sh   (needs nvcc and python3)
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$src"/*.cu; do printf '#include "%s"\n' "$f"; done > "$tmp/all.cu"
for a in 80 90; do
  nvcc -cubin -O3 -std=c++17 -I"$src" -arch=sm_$a -Xptxas -v -o "$tmp/all_$a.cubin" "$tmp/all.cu" > "$tmp/ptxas_$a.txt" 2>&1 &
done
wait
python3 - "$tmp/ptxas_80.txt" "$tmp/ptxas_90.txt" <<'PY'
import re, sys
def parse(path):
    rows, cur = {}, None
    for line in open(path):
        m = re.search(r"Compiling entry function '(\w+)'", line)
        if m:
            cur = m.group(1); rows[cur] = {"regs": 0, "stack": 0, "spill": 0, "smem": 0}; continue
        if cur is None: continue
        m = re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads", line)
        if m: rows[cur].update(stack=int(m.group(1)), spill=int(m.group(2)) + int(m.group(3))); continue
        m = re.search(r"Used (\d+) registers", line)
        if m:
            rows[cur]["regs"] = int(m.group(1))
            s = re.search(r"(\d+) bytes smem", line)
            rows[cur]["smem"] = int(s.group(1)) if s else 0
    return rows
r80, r90 = parse(sys.argv[1]), parse(sys.argv[2])
print("| kernel | sm_80 regs | sm_90 regs | static smem (B) | stack / spill bytes (80, 90) |")
print("| --- | ---: | ---: | ---: | --- |")
for k in sorted(r90):
    a, b = r80.get(k, {}), r90[k]
    print(f"| {k} | {a.get('regs', '?')} | {b['regs']} | {b['smem']} | {a.get('stack', '?')}/{a.get('spill', '?')}, {b['stack']}/{b['spill']} |")
PY
