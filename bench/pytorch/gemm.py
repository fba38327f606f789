#!/usr/bin/env python3
"""torch.matmul TFLOP/s at GPT-2 small's layer shapes: the reference for `jdistill bench gpu-gemm`.

Shapes are MxKxN ([M,K] @ [K,N]; default 4096x768x2304, 4096x768x768, 4096x768x3072,
4096x3072x768), in bf16 and in f32 with TF32 allowed (--f32 fp32 for strict fp32). Random inputs
rotated among enough sets to pass 256 MB (past the L2), median seconds per call over trials with
the device synchronised around each trial; 2MKN FLOPs per call; the first 16 rows checked against
float64. Prints a table and one JSON line per row with the keys jdistill prints.
"""
import argparse
import sys

import common

SHAPES = ["4096x768x2304", "4096x768x768", "4096x768x3072", "4096x3072x768"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--dtype", default="bf16,f32")
    ap.add_argument("--f32", choices=["tf32", "fp32"], default="tf32")
    ap.add_argument("--trials", type=int, default=10)
    a = ap.parse_args(argv)

    import torch

    device = torch.device(a.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("gemm.py: no CUDA device available to torch")
    torch.backends.cuda.matmul.allow_tf32 = a.f32 == "tf32"
    torch.manual_seed(1)
    shapes = []
    for s in a.shapes.split(","):
        p = s.lower().split("x")
        if len(p) != 3 or not all(x.isdigit() and int(x) > 0 for x in p):
            sys.exit(f"shape must be MxKxN (e.g. 4096x768x2304), got '{s}'")
        shapes.append(tuple(int(x) for x in p))
    dtypes = {"bf16": torch.bfloat16, "f32": torch.float32}
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    rows = []
    for dn in a.dtype.split(","):
        if dn not in dtypes:
            sys.exit(f"--dtype takes bf16 and/or f32, got '{dn}'")
        dt = dtypes[dn]
        mode = "bf16" if dn == "bf16" else a.f32
        for m, k, n in shapes:
            per_set = (m * k + k * n) * dt.itemsize if hasattr(dt, "itemsize") else (m * k + k * n) * (2 if dn == "bf16" else 4)
            sets = max(1, min(8, (256 << 20) // per_set + 1))
            A = [torch.empty(m, k, device=device).uniform_(-1, 1).to(dt) for _ in range(sets)]
            B = [torch.empty(k, n, device=device).uniform_(-1, 1).to(dt) for _ in range(sets)]
            out = torch.full((m, n), float("nan"), device=device, dtype=dt)
            torch.matmul(A[0], B[0], out=out)
            ref = A[0][:16].double() @ B[0].double()
            err = ((out[:16].double() - ref).norm() / ref.norm()).item()
            sec = common.median_seconds(torch, device, lambda i: torch.matmul(A[i % sets], B[i % sets], out=out), trials=a.trials)
            flops = 2.0 * m * k * n
            rows.append((f"{m}x{k}x{n}", mode, sec, flops / sec / 1e12, err))
            del A, B, out
    print(f"torch.matmul on {name} (PyTorch {torch.__version__})")
    print(f"{'MxKxN':16s} {'mode':6s} {'ms':>10s} {'TFLOP/s':>10s} {'rel.err':>10s}")
    for shape, mode, sec, tf, err in rows:
        print(f"{shape:16s} {mode:6s} {sec * 1e3:10.4f} {tf:10.1f} {err:10.2e}")
    for shape, mode, sec, tf, err in rows:
        print(common.json_line({"bench": "gemm", "impl": "torch.matmul", "shape": shape, "mode": mode,
                                "ms": sec * 1e3, "tflops": tf, "rel_err": err}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
