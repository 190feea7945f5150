"""The PyTorch half of the seqgrad -> PyTorch round trip (never run by CI).

Run both halves from the repository root:

    npx tsx tools/interop/export-from-seqgrad.ts /tmp/sg && /usr/bin/python3 tools/interop/torch_roundtrip.py /tmp/sg

For every ``<name>`` in ``<dir>/index.json`` this reads ``<name>.safetensors`` (written by seqgrad's
``saveSafetensorsFile``) and ``<name>.json`` (module, config, dtype, inputs, masks, seqgrad's
outputs), builds the matching torch module (``batch_first=True``, dropout 0, ``eval()``), loads the
weights with ``load_state_dict(strict=True)``, runs the same inputs, and prints the largest
|torch - seqgrad| per module. It exits with status 1 if any difference exceeds the tolerance
(1e-5 for float32, 1e-12 for float64) or if the file's keys are not torch's ``state_dict()`` keys
in torch's order.
"""

import json
import sys
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))

from safetensors_io import read_safetensors  # noqa: E402

TOLERANCE = {"float32": 1e-5, "float64": 1e-12}
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def tensor(value, dtype):
    return torch.tensor(value["data"], dtype=dtype).reshape(value["shape"])


def causal(size):
    """True above the diagonal: key j is blocked for query i when j > i."""
    return torch.triu(torch.ones(size, size, dtype=torch.bool), diagonal=1)


def build(record):
    """The torch module named by the record, and a function running it on the record's inputs."""
    c, masks = record["config"], {k: torch.tensor(v) for k, v in record["masks"].items()}
    kind = record["module"]
    if kind == "EncoderLayer":
        m = nn.TransformerEncoderLayer(
            c["dModel"], c["nHead"], c["dimFeedforward"], c["dropout"], batch_first=True
        )
        return m, lambda x: {"output": m(x["src"], src_key_padding_mask=masks["src_key_padding_mask"])}
    if kind == "DecoderLayer":
        m = nn.TransformerDecoderLayer(
            c["dModel"], c["nHead"], c["dimFeedforward"], c["dropout"], batch_first=True
        )
        return m, lambda x: {
            "output": m(
                x["tgt"],
                x["memory"],
                tgt_mask=causal(x["tgt"].shape[1]),
                memory_key_padding_mask=masks["memory_key_padding_mask"],
            )
        }
    if kind == "MultiHeadAttention":
        m = nn.MultiheadAttention(c["embedDim"], c["numHeads"], batch_first=True)

        def run(x):
            output, weights = m(
                x["query"], x["key"], x["value"], key_padding_mask=masks["key_padding_mask"]
            )
            return {"output": output, "weights": weights}

        return m, run
    if kind == "RNNCell":
        m = nn.RNNCell(c["inputSize"], c["hiddenSize"], nonlinearity=c["nonlinearity"])
        return m, lambda x: {"h": m(x["x"], x["h"])}
    if kind == "LSTMCell":
        m = nn.LSTMCell(c["inputSize"], c["hiddenSize"])

        def run(x):
            h, c_ = m(x["x"], (x["h"], x["c"]))
            return {"h": h, "c": c_}

        return m, run
    if kind == "GRUCell":
        m = nn.GRUCell(c["inputSize"], c["hiddenSize"])
        return m, lambda x: {"h": m(x["x"], x["h"])}
    if kind == "Embedding":
        m = nn.Embedding(c["numEmbeddings"], c["embeddingDim"], padding_idx=c["paddingIdx"])
        return m, lambda x: {"output": m(x["ids"])}
    raise ValueError(f"unknown module {kind!r}")


def check(directory, name):
    record = json.loads((directory / f"{name}.json").read_text())
    state, metadata = read_safetensors(directory / f"{name}.safetensors")
    dtype = DTYPES[record["dtype"]]
    module, run = build(record)
    module = module.to(dtype).eval()
    same_order = list(state) == list(module.state_dict()) == record["keys"]
    module.load_state_dict(state, strict=True)
    inputs = {
        k: tensor(v, torch.long if k == "ids" else dtype) for k, v in record["inputs"].items()
    }
    # Grad mode stays on, so torch takes its ordinary (not the fused inference) kernels.
    outputs = run(inputs)
    worst = 0.0
    for key, expected in record["outputs"].items():
        diff = (outputs[key].detach() - tensor(expected, dtype)).abs().max().item()
        worst = max(worst, diff)
    tolerance = TOLERANCE[record["dtype"]]
    ok = worst <= tolerance and same_order and metadata.get("source") == "seqgrad"
    return {
        "name": name,
        "module": f"nn.{type(module).__name__}",
        "dtype": record["dtype"],
        "outputs": ", ".join(record["outputs"]),
        "keys": f"{len(state)}, torch order" if same_order else "ORDER DIFFERS",
        "diff": worst,
        "tolerance": tolerance,
        "ok": ok,
    }


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 tools/interop/torch_roundtrip.py <dir written by export-from-seqgrad.ts>")
    directory = Path(sys.argv[1])
    names = json.loads((directory / "index.json").read_text())
    rows = [check(directory, name) for name in names]
    print(f"torch {torch.__version__}: seqgrad-written safetensors loaded with load_state_dict(strict=True)")
    print()
    print("| file | torch module | dtype | outputs | state-dict keys | max abs diff | tolerance | ok |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['name']} | {r['module']} | {r['dtype']} | {r['outputs']} | {r['keys']} "
            f"| {r['diff']:.3g} | {r['tolerance']:g} | {'yes' if r['ok'] else 'NO'} |"
        )
    failed = [r["name"] for r in rows if not r["ok"]]
    print()
    print(f"{len(rows) - len(failed)} of {len(rows)} modules match" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
