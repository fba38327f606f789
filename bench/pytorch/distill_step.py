#!/usr/bin/env python3
"""One GPT-2 distillation training step in plain PyTorch: the reference for `jdistill bench step`.

Same step as jdistill's DistillStep: random GPT-2 teacher and student (pre-LN blocks, learned
positions, GELU-tanh 4W feed-forward, causal attention through scaled_dot_product_attention, tied
head, no dropout, as many positions as the sequence), teacher forward under no_grad, student
forward + backward, loss = T^2 KL(softmax(t/T) || softmax(s/T)) averaged over all B*S rows at T=2
plus the causal-LM cross-entropy on shifted labels, AdamW (lr 1e-4, betas 0.9/0.999, eps 1e-8,
decay 0.01 on matrices only; fused=True when available).

Precision (--precision):
  bf16-master (default for bf16, matches jdistill): parameters in bf16, forward/backward in bf16,
      an fp32 master copy per parameter that fused AdamW updates, copied back to bf16 each step.
  autocast: fp32 parameters, forward under torch.autocast(bfloat16): the usual PyTorch recipe.
  fp32: fp32 parameters and products (TF32 allowed for matrix products, like jdistill's default).
The losses are computed in fp32 on upcast logits in every mode.

MFU uses the same formula as jdistill: tokens * (6 N_s + 12 L_s S W_s + 2 N_t + 4 L_t S W_t) /
seconds / peak, N = 12 L W^2 + V W. Needs only torch.
"""
import argparse
import math
import statistics
import sys
import time

import common


def build_model(torch, layers, width, heads, vocab, seq):
    nn = torch.nn
    F = torch.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(width, eps=1e-5)
            self.c_attn = nn.Linear(width, 3 * width)
            self.c_proj = nn.Linear(width, width)
            self.ln_2 = nn.LayerNorm(width, eps=1e-5)
            self.c_fc = nn.Linear(width, 4 * width)
            self.mlp_proj = nn.Linear(4 * width, width)

        def forward(self, x):
            b, s, w = x.shape
            q, k, v = self.c_attn(self.ln_1(x)).split(w, dim=2)
            q = q.view(b, s, heads, w // heads).transpose(1, 2)
            k = k.view(b, s, heads, w // heads).transpose(1, 2)
            v = v.view(b, s, heads, w // heads).transpose(1, 2)
            a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.c_proj(a.transpose(1, 2).reshape(b, s, w))
            return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))

    class Gpt2(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(vocab, width)
            self.wpe = nn.Embedding(seq, width)
            self.h = nn.ModuleList([Block() for _ in range(layers)])
            self.ln_f = nn.LayerNorm(width, eps=1e-5)
            for name, p in self.named_parameters():
                if p.dim() >= 2:
                    std = 0.01 if name == "wpe.weight" else 0.02
                    if name.endswith("c_proj.weight") or name.endswith("mlp_proj.weight"):
                        std = 0.02 / math.sqrt(2 * layers)
                    nn.init.normal_(p, std=std)
                elif name.endswith("bias"):
                    nn.init.zeros_(p)

        def forward(self, ids):
            pos = torch.arange(ids.shape[1], device=ids.device)
            x = self.wte(ids) + self.wpe(pos)
            for blk in self.h:
                x = blk(x)
            return self.ln_f(x) @ self.wte.weight.t()  # tied head

    return Gpt2()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--teacher", default="12x768")
    ap.add_argument("--student", default="6x768")
    ap.add_argument("--seq", type=int, default=1024)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--vocab", type=int, default=50257)
    ap.add_argument("--heads", type=int, default=None, help="default: width / 64")
    ap.add_argument("--dtype", choices=["f32", "bf16"], default=None, help="default: bf16 on cuda, f32 on cpu")
    ap.add_argument("--precision", choices=["bf16-master", "autocast", "fp32"], default=None,
                    help="default: bf16-master for bf16, fp32 for f32")
    ap.add_argument("--compile", action="store_true", help="torch.compile both models (the step's loss too)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--peak-tflops", type=float, default=None)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)

    import torch
    import torch.nn.functional as F

    device = torch.device(a.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("distill_step.py: no CUDA device available to torch")
    teacher_shape = common.parse_shape(a.teacher, "--teacher")
    student_shape = common.parse_shape(a.student, "--student")
    dtype = a.dtype or ("bf16" if device.type == "cuda" else "f32")
    precision = a.precision or ("bf16-master" if dtype == "bf16" else "fp32")
    if dtype == "f32" and precision == "bf16-master":
        sys.exit("--precision bf16-master needs --dtype bf16")
    if precision == "autocast":
        dtype = "bf16"  # compute dtype; parameters stay fp32
    if a.seq < 2 or a.batch < 1 or a.steps < 1 or a.warmup < 0:
        sys.exit("need --seq >= 2, --batch >= 1, --steps >= 1, --warmup >= 0")
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.manual_seed(a.seed)

    def heads_for(width):
        if a.heads is None:
            if width % 64:
                sys.exit(f"width {width} is not a multiple of 64: pass --heads")
            return width // 64
        if width % a.heads:
            sys.exit(f"--heads {a.heads} does not divide width {width}")
        return a.heads

    teacher = build_model(torch, teacher_shape[0], teacher_shape[1], heads_for(teacher_shape[1]), a.vocab, a.seq).to(device)
    student = build_model(torch, student_shape[0], student_shape[1], heads_for(student_shape[1]), a.vocab, a.seq).to(device)
    if precision == "bf16-master":
        teacher.to(torch.bfloat16)
        student.to(torch.bfloat16)
    teacher.eval()
    student.train()
    for p in teacher.parameters():
        p.requires_grad_(False)

    params = list(student.parameters())
    master = [p.detach().float().clone().requires_grad_(True) for p in params] if precision == "bf16-master" else params
    decay = [m for p, m in zip(params, master) if p.dim() >= 2]
    no_decay = [m for p, m in zip(params, master) if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}]
    fused = device.type == "cuda"
    try:
        opt = torch.optim.AdamW(groups, lr=1e-4, betas=(0.9, 0.999), eps=1e-8, fused=fused)
    except (TypeError, RuntimeError):
        fused = False
        opt = torch.optim.AdamW(groups, lr=1e-4, betas=(0.9, 0.999), eps=1e-8)

    ids = torch.randint(0, a.vocab, (a.batch, a.seq), device=device)
    targets = ids[:, 1:].reshape(-1)
    T = 2.0

    def loss_fn(s_logits, t_logits):
        v = s_logits.shape[-1]
        s = s_logits.float().reshape(-1, v)
        t = t_logits.float().reshape(-1, v)
        kd = F.kl_div(F.log_softmax(s / T, -1), F.log_softmax(t / T, -1), log_target=True, reduction="batchmean") * T * T
        ce = F.cross_entropy(s_logits[:, :-1].float().reshape(-1, v), targets)
        return kd + ce

    t_fwd, s_fwd, loss_c = teacher, student, loss_fn
    if a.compile:
        t_fwd, s_fwd, loss_c = torch.compile(teacher), torch.compile(student), torch.compile(loss_fn)

    use_autocast = precision == "autocast" and device.type == "cuda"

    def step():
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_autocast):
            with torch.no_grad():
                t_logits = t_fwd(ids)
            s_logits = s_fwd(ids)
        loss = loss_c(s_logits, t_logits)
        loss.backward()
        if precision == "bf16-master":
            for p, m in zip(params, master):
                m.grad = p.grad.float()
                p.grad = None
        opt.step()
        opt.zero_grad(set_to_none=True)
        if precision == "bf16-master":
            with torch.no_grad():
                torch._foreach_copy_(params, master) if hasattr(torch, "_foreach_copy_") else [p.copy_(m) for p, m in zip(params, master)]
        return loss

    losses = []
    for _ in range(a.warmup):
        losses.append(step().item())
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
    seconds = []
    for _ in range(a.steps):
        common.sync(torch, device)
        t0 = time.perf_counter()
        loss = step()
        common.sync(torch, device)
        seconds.append(time.perf_counter() - t0)
        losses.append(loss.item())

    med = statistics.median(seconds)
    tokens = a.batch * a.seq
    flops = common.step_flops(teacher_shape, student_shape, a.vocab, a.seq, a.batch)
    achieved = flops / med / 1e12
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    peak = a.peak_tflops if a.peak_tflops else common.peak_tflops(name, dtype == "bf16")
    mfu = achieved / peak if peak and math.isfinite(peak) else float("nan")
    mem = torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None
    mode = ("compile" if a.compile else "eager") + "/" + precision

    print(f"distillation step (PyTorch {torch.__version__}, {mode}, fused AdamW {fused}): teacher {a.teacher}, "
          f"student {a.student}, seq {a.seq}, batch {a.batch}, vocab {a.vocab}, {dtype} on {name}")
    print(f"steps: {a.warmup} warm-up, {a.steps} timed; median {med * 1e3:.2f} ms, best {min(seconds) * 1e3:.2f} ms")
    print(f"tokens/s: {tokens / med:.1f}")
    print(f"model FLOPs/step: {flops:.4g} (N_s={common.matrix_params(*student_shape, a.vocab)}, "
          f"N_t={common.matrix_params(*teacher_shape, a.vocab)})")
    print(f"achieved: {achieved:.3f} TFLOP/s; MFU: " + (f"{100 * mfu:.1f}% of {peak:.0f} TFLOP/s" if math.isfinite(mfu) else "n/a"))
    print("peak device memory: " + (f"{mem / 2**30:.2f} GiB" if mem is not None else "n/a"))
    print(f"loss: first {losses[0]:.4f}, last {losses[-1]:.4f}")
    print(common.json_line({
        "bench": "distill_step", "impl": "pytorch-" + mode, "device": str(device), "device_name": name,
        "dtype": dtype, "teacher": a.teacher, "student": a.student, "seq": a.seq, "batch": a.batch,
        "vocab": a.vocab, "head_dim": student_shape[1] // heads_for(student_shape[1]), "warmup": a.warmup,
        "steps": a.steps, "median_step_ms": med * 1e3, "tokens_per_s": tokens / med, "flops_per_step": float(flops),
        "achieved_tflops": achieved, "peak_tflops": float(peak) if peak else float("nan"), "mfu": mfu,
        "peak_mem_bytes": mem, "loss_last": losses[-1]}))
    return 0 if all(math.isfinite(x) for x in losses) else 1


if __name__ == "__main__":
    sys.exit(main())
