"""Loads a model folder written by jdistill with Hugging Face transformers, unchanged, and compares.

    python3 hf_parity.py MODEL_DIR EXPECTED.safetensors LINES.txt

MODEL_DIR holds config.json, model.safetensors and a tokenizer (tokenizer.json or vocab.txt).
EXPECTED.safetensors is what `jdistill forward` wrote for LINES.txt (input_ids, attention_mask,
last_hidden_state and, for models with a head, logits). The script checks that
  1. the class named by config.json's "architectures" loads the folder with no missing (other than
     weights tied to the input embeddings), unexpected or mis-shaped parameters;
  2. AutoTokenizer reads the folder's tokenizer and gives jdistill's ids for every line;
  3. the model run on jdistill's ids and mask gives jdistill's last hidden state and logits at
     every non-padding position, within 1e-4 (relative to the larger of 1 and the value).
It prints one line per check and exits 1 on the first failure.
"""
import json
import sys

import torch
import transformers
from safetensors.torch import load_file

TOL = 1e-4


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def close(name, expected, actual, keep):
    """Max relative error over the rows where keep is true (a [rows, width] mask or None)."""
    if expected.shape != actual.shape:
        fail(f"{name}: shape {tuple(actual.shape)} in transformers, {tuple(expected.shape)} in jdistill")
    diff = (expected - actual).abs() / expected.abs().clamp(min=1.0)
    if keep is not None:
        diff = diff[keep]
    worst = diff.max().item() if diff.numel() else 0.0
    if not worst <= TOL:
        fail(f"{name}: max relative difference {worst:.3g} > {TOL}")
    print(f"ok {name}: max relative difference {worst:.3g}")


def main(model_dir, expected_file, lines_file):
    config = json.load(open(f"{model_dir}/config.json"))
    architecture = config["architectures"][0]
    model_class = getattr(transformers, architecture)
    model, info = model_class.from_pretrained(model_dir, output_loading_info=True)
    model.eval()
    tied = set()
    if model.config.tie_word_embeddings:
        tied = {k for k in model.state_dict() if k.endswith("lm_head.weight") or k.endswith("predictions.decoder.weight")}
    missing = set(info["missing_keys"]) - tied
    for kind, keys in (("missing", missing), ("unexpected", info["unexpected_keys"]), ("mis-shaped", info["mismatched_keys"])):
        if keys:
            fail(f"{architecture}: {kind} parameters {sorted(keys)}")
    print(f"ok {architecture} loaded: {sum(p.numel() for p in model.parameters()):,} parameters, no missing, unexpected or mis-shaped ones")

    expected = load_file(expected_file)
    ids = expected["input_ids"]
    mask = expected["attention_mask"]
    lines = open(lines_file, encoding="utf-8").read().split("\n")[: ids.shape[0]]
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    for row, line in enumerate(lines):
        theirs = tokenizer(line)["input_ids"]
        ours = ids[row][mask[row].bool()].tolist()
        if theirs != ours:
            fail(f"{type(tokenizer).__name__}: line {row + 1} {line!r}: ids {theirs} in transformers, {ours} in jdistill")
    print(f"ok {type(tokenizer).__name__}: the same ids for all {len(lines)} lines")

    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    keep = mask.bool()
    hidden = out.last_hidden_state if hasattr(out, "last_hidden_state") and out.last_hidden_state is not None else out.hidden_states[-1]
    close("last_hidden_state", expected["last_hidden_state"], hidden, keep)
    if "logits" in expected:
        logits = out.logits
        close("logits", expected["logits"], logits, keep if logits.dim() == 3 else None)


if __name__ == "__main__":
    main(*sys.argv[1:4])
