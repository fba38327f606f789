"""Shared helpers of the PyTorch reference benchmarks: FLOP formula, peaks, timing, JSON line."""
import json
import math
import statistics
import time


def matrix_params(layers, width, vocab):
    """12 L W^2 + V W: the weights in matrix products once per token (tied head counted once)."""
    return 12 * layers * width * width + vocab * width


def forward_flops_per_token(layers, width, vocab, seq):
    """2 N + 4 L S W: matrix products plus attention scores and weighted sum (causal counted full)."""
    return 2 * matrix_params(layers, width, vocab) + 4 * layers * seq * width


def step_flops(teacher, student, vocab, seq, batch):
    """tokens * (6 N_s + 12 L_s S W_s + 2 N_t + 4 L_t S W_t), as jdistill's FlopCount.step."""
    return batch * seq * (3 * forward_flops_per_token(*student, vocab, seq)
                          + forward_flops_per_token(*teacher, vocab, seq))


def peak_tflops(device_name, bf16):
    """Datasheet dense peaks, as jdistill's PeakRates: H100 SXM/H200 989/494, PCIe 756/378, NVL 835/418."""
    n = (device_name or "").upper()
    if "H200" in n:
        return 989.0 if bf16 else 494.0
    if "H100" in n:
        if "PCIE" in n:
            return 756.0 if bf16 else 378.0
        if "NVL" in n:
            return 835.0 if bf16 else 418.0
        return 989.0 if bf16 else 494.0
    return float("nan")


def parse_shape(text, option):
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise SystemExit(f"{option} must be LAYERSxWIDTH (e.g. 12x768), got '{text}'")
    return int(parts[0]), int(parts[1])


def sync(torch, device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def median_seconds(torch, device, fn, warmup=3, trials=10, trial_seconds=0.05):
    """Median seconds per call over trials of back-to-back calls, synchronising around each trial."""
    for i in range(warmup):
        fn(i)
    sync(torch, device)
    t0 = time.perf_counter()
    fn(0)
    sync(torch, device)
    once = max(time.perf_counter() - t0, 1e-7)
    calls = int(max(3, min(10000, math.ceil(trial_seconds / once))))
    per_call = []
    idx = 0
    for _ in range(trials):
        sync(torch, device)
        start = time.perf_counter()
        for _ in range(calls):
            fn(idx)
            idx += 1
        sync(torch, device)
        per_call.append((time.perf_counter() - start) / calls)
    return statistics.median(per_call)


def json_line(fields):
    """One JSON line; non-finite numbers become null (as jdistill's JsonLine)."""
    clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in fields.items()}
    return json.dumps(clean)
