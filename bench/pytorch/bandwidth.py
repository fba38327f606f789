#!/usr/bin/env python3
"""Device memory bandwidth, and a KD-loss-sized pass, in PyTorch: the reference for `jdistill bench kd-loss`.

1. copy: dst.copy_(src) of one [B*S, V] logit tensor; GB/s counts bytes read + written (2x size).
2. the soft-target loss with its gradient over the same logits, T = 2: per row
   loss = T^2 sum p_t (log p_t - log p_s), grad = T (p_s - p_t), p = softmax(x / T),
   eager (several passes) and torch.compile (--no-compile to skip); GB/s counts the fewest bytes
   (student + teacher read, gradient + per-row loss written), the same count jdistill uses.
Logits are random (never zeros). Prints a table and one JSON line.
"""
import argparse
import sys

import common


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=1024)
    ap.add_argument("--vocab", type=int, default=50257)
    ap.add_argument("--dtype", choices=["bf16", "f32"], default="bf16")
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--trials", type=int, default=10)
    a = ap.parse_args(argv)

    import torch

    device = torch.device(a.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("bandwidth.py: no CUDA device available to torch")
    dt = torch.bfloat16 if a.dtype == "bf16" else torch.float32
    es = 2 if a.dtype == "bf16" else 4
    rows, v = a.batch * a.seq, a.vocab
    T = 2.0
    torch.manual_seed(1)
    student = (torch.randn(rows, v, device=device) * 2).to(dt)
    teacher = (torch.randn(rows, v, device=device) * 2).to(dt)
    dst = torch.empty_like(student)
    copy_bytes = 2 * rows * v * es
    loss_bytes = (3 * rows * v + rows) * es

    def kd(s, t):
        up = torch.promote_types(s.dtype, torch.float32)  # bf16 -> f32, f64 stays f64 (for the check)
        ls = torch.log_softmax(s.to(up) / T, -1)
        lt = torch.log_softmax(t.to(up) / T, -1)
        pt = lt.exp()
        loss = (pt * (lt - ls)).sum(-1) * (T * T)
        grad = (ls.exp() - pt) * T
        return loss.to(s.dtype), grad.to(s.dtype)

    # check the gradient formula against autograd on a few rows
    s4 = student[:4].double().requires_grad_(True)
    l4, g4 = kd(s4, teacher[:4].double())
    l4.sum().backward()
    grad_err = ((g4 - s4.grad).norm() / s4.grad.norm()).item()

    results = [("copy_ (read + write)", copy_bytes,
                common.median_seconds(torch, device, lambda i: dst.copy_(student), trials=a.trials))]
    results.append(("KD loss+grad eager", loss_bytes,
                    common.median_seconds(torch, device, lambda i: kd(student, teacher), trials=a.trials)))
    if not a.no_compile:
        kdc = torch.compile(kd)
        results.append(("KD loss+grad compile", loss_bytes,
                        common.median_seconds(torch, device, lambda i: kdc(student, teacher), trials=a.trials)))
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(f"bandwidth on {name} (PyTorch {torch.__version__}); logits [{rows}, {v}] {a.dtype}; "
          f"gradient formula vs autograd rel.err {grad_err:.1e}")
    print(f"{'':24s} {'ms':>10s} {'GB/s':>10s} {'of copy':>8s}")
    copy_gbps = copy_bytes / results[0][2] / 1e9
    fields = {"bench": "kd_loss", "impl": "pytorch", "rows": rows, "vocab": v, "dtype": a.dtype, "grad": True,
              "copy_gbps": copy_gbps}
    for label, nbytes, sec in results:
        gbps = nbytes / sec / 1e9
        print(f"{label:24s} {sec * 1e3:10.3f} {gbps:10.1f} {gbps / copy_gbps:8.2f}")
        key = label.split()[-1] if label.startswith("KD") else "copy"
        fields[f"{key}_ms"] = sec * 1e3
        if key != "copy":
            fields[f"{key}_gbps"] = gbps
    print(common.json_line(fields))
    return 0 if grad_err < 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
