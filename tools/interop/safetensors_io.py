"""The safetensors format by hand, for torch 1.13 without the ``safetensors`` package.

A file is: an 8-byte little-endian header length N; N bytes of UTF-8 JSON, padded with spaces to a
multiple of 8, mapping each tensor name to ``{"dtype", "shape", "data_offsets": [begin, end]}``
(offsets relative to the end of the header) plus an optional ``"__metadata__"`` of strings; then
the tensors' little-endian bytes, packed without gaps. Only F32 and F64 are handled here.
"""

import json
import struct

import numpy as np
import torch

DTYPES = {"F32": (torch.float32, "<f4"), "F64": (torch.float64, "<f8")}
NAMES = {torch.float32: "F32", torch.float64: "F64"}


def write_safetensors(path, tensors, metadata=None, sort_keys=False):
    """Writes ``{name: tensor}`` to ``path``. ``sort_keys`` orders header and data by name, as the
    reference implementation does, instead of the dict's order."""
    names = sorted(tensors) if sort_keys else list(tensors)
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name in names:
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in NAMES:
            raise ValueError(f"write_safetensors: {name!r} is {t.dtype}; only float32/float64")
        blob = t.numpy().astype(DTYPES[NAMES[t.dtype]][1], copy=False).tobytes()
        header[name] = {
            "dtype": NAMES[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(blob)],
        }
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    """Returns ``(tensors, metadata)``: ``{name: torch.Tensor}`` in header order, and the metadata."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"read_safetensors: {path} has {len(raw)} bytes; expected at least 8")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError(f"read_safetensors: header length {n} runs past the end of {path}")
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    covered = 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        dtype, numpy_dtype = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        shape = info["shape"]
        if begin != covered or end > len(data):
            raise ValueError(f"read_safetensors: {name!r} has bad data_offsets {[begin, end]}")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if count * np.dtype(numpy_dtype).itemsize != end - begin:
            raise ValueError(f"read_safetensors: {name!r} has shape {shape} but {end - begin} bytes")
        array = np.frombuffer(data[begin:end], dtype=numpy_dtype).reshape(shape)
        tensors[name] = torch.from_numpy(array.astype(numpy_dtype, copy=True)).to(dtype)
        covered = end
    if covered != len(data):
        raise ValueError(f"read_safetensors: {len(data) - covered} bytes after the last tensor")
    return {name: tensors[name] for name in header}, metadata
