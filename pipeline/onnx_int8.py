"""The sentence encoder as an int8 ONNX model run by ONNX Runtime: the fast CPU runtime.

On a CPU, most of the time summarizing goes to the encoder's matrix products. Weights quantized to int8
(per output channel) with activations quantized on the fly take about a third off the CPU time
and move embeddings to a cosine of 0.99 from float32's; bench/summaries.py measures both
runtimes side by side (ROUGE, speed, and how often they pick the same sentences).

The model is exported and quantized once, on first use, into the cache directory
($CLINICWATCH_CACHE_DIR, else the user cache directory), under the weights' digest: other
weights under the same name get their own file. Nothing is downloaded.

It lives in pipeline/ because the relevance rule's sentence model (pipeline/sentence_model.py)
runs the same cached file; torch is imported only to build the file, never to run it, so a crawl
whose model is cached does not import torch.

Each sentence runs on its own, not in a padded batch: dynamic quantization scales a batch's
activations together, so a sentence's embedding would otherwise depend on which sentences
shared its batch, and summaries on --batch-size. Unpadded single sentences cost about the
same, and a pool of threads (ONNX Runtime releases the GIL) keeps every core busy.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # annotations only: torch is imported when a model is built
    import torch

# Part of the cached file's name: change it when the export or the quantization changes.
EXPORT_VERSION = "int8-pc-fused-v2"
OPSET = 17


def onnx_runtime_available() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnx"))


def cache_dir() -> Path:
    configured = os.environ.get("CLINICWATCH_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("clinicwatch"))


def cached_model_path(name: str, revision: str) -> Path:
    slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return cache_dir() / "onnx" / f"{slug}-{revision}-{EXPORT_VERSION}.onnx"


def export_float(encoder: "torch.nn.Module", example: "torch.Tensor", path: Path) -> None:
    """The pooled encoder as a float32 ONNX graph with any batch size and sequence length."""
    import torch

    with warnings.catch_warnings(), torch.no_grad():
        # The TorchScript exporter warns that it is deprecated and that traced shapes are
        # constants; the axes that vary are declared below, and the result is checked by the tests.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            encoder, (example, torch.ones_like(example)), str(path),
            input_names=["input_ids", "attention_mask"], output_names=["embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "embedding": {0: "batch"}},
            opset_version=OPSET, dynamo=False,
        )


def fuse(float_path: Path, fused_path: Path, config) -> None:
    """Layer norms with their residual adds, and biases with their GELUs, fused into single
    operators by ONNX Runtime's transformer optimizer: about 7 % less CPU time once quantized
    (bench/summaries.py), the same function. Patterns it does not recognise stay as they are."""
    from onnxruntime.transformers.optimizer import optimize_model

    heads = getattr(config, "num_attention_heads", 0) or 0
    hidden = getattr(config, "hidden_size", 0) or 0
    optimize_model(str(float_path), model_type="bert", num_heads=heads, hidden_size=hidden).save_model_to_file(
        str(fused_path))


def quantize(float_path: Path, int8_path: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel int8 weights: per-tensor scales lose a third more accuracy for no speed.
    # The quantizer logs advice for image models to the root logger on every call; muted.
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(
            str(float_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        logging.disable(logging.NOTSET)


def build_int8_model(encoder: "torch.nn.Module", example: "torch.Tensor", path: Path, config) -> None:
    """Export, fuse and quantize into path; written under a temporary name and renamed, so a
    concurrent run or a crash never leaves a half-written model where the cache looks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        float_path = Path(work) / "float.onnx"
        fused_path = Path(work) / "fused.onnx"
        int8_path = Path(work) / "int8.onnx"
        export_float(encoder, example, float_path)
        fuse(float_path, fused_path, config)
        quantize(fused_path, int8_path)
        os.replace(int8_path, path)


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Int8SentenceModel:
    """An ONNX Runtime session over the int8 encoder; embeds token-id rows one sentence at a time."""

    def __init__(self, path: Path, threads: int | None = None):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # One thread per run, and as many runs at once as there are cores: single sentences are
        # too small to split across cores, but independent ones parallelize perfectly.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.version = onnxruntime.__version__
        self.path = path
        self.pool = ThreadPoolExecutor(max_workers=threads or usable_cores(), thread_name_prefix="encoder")

    @classmethod
    def for_encoder(cls, encoder) -> "Int8SentenceModel":
        """The int8 model of a summaries.embeddings.SentenceEncoder (duck-typed: pipeline may not
        import summaries), exported on first use."""
        path = cached_model_path(encoder.name, encoder.revision)
        if not path.is_file():
            import torch

            example = torch.tensor(encoder.token_ids(["An example sentence for tracing the model."]))
            build_int8_model(encoder.pooled, example, path, encoder.model.config)
        return cls(path)

    def embed_one(self, ids: list[int]) -> np.ndarray:
        row = np.asarray([ids], dtype=np.int64)
        return self.session.run(None, {"input_ids": row, "attention_mask": np.ones_like(row)})[0][0]

    def embed(self, ids: list[list[int]]) -> np.ndarray:
        # Longest first, so no thread is left with a long sentence at the end.
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        vectors = list(self.pool.map(self.embed_one, (ids[i] for i in order)))
        embeddings = np.empty((len(ids), len(vectors[0])), dtype=np.float32)
        embeddings[order] = vectors
        return embeddings
