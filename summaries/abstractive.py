"""Abstractive summaries: a local generative model writes them, and each is checked against its post.

Any transformers model that generates text will do: a sequence-to-sequence one (BART, T5,
Pegasus: AutoModelForSeq2SeqLM) or a causal instruct one (AutoModelForCausalLM, prompted
through its chat template when it has one). Loading is local unless downloads are allowed.

A post longer than the model's input is cut into chunks of whole sentences that fit it
(counted in the model's own tokens); each chunk is summarized, and the chunk summaries of a
post are summarized together again until one is left. Chunks of every post of a batch are
generated together, in batches of similar length, on the GPU when there is one.

Every summary is checked (summaries.faithfulness): one naming a number, a name or a drug
that its post does not is replaced by the post's extractive summary, and the reason is kept.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Callable

import torch
import transformers
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
)

from pipeline.sentence_model import files_digest, readable_name, weight_files
from pipeline.sentences import split_sentences

from .embeddings import (
    ModelNotAvailableError,
    device_for,
    model_source,
    quiet_loading,
    unavailable_message,
)
from .extractive import ExtractiveSummarizer
from .faithfulness import fallback_reason
from .summary import Summary

# The focus of the extractive summaries (issue 14): what the post says ketamine does, named, not the
# background any article about the brain contains: its effect on the brain and the patient, how fast, how
# long, how safe, how often it works, what the clinic does. The faithfulness check still judges the result.
INSTRUCTION = (
    "In three to five sentences, say what this post claims ketamine (or esketamine) does to the brain and for "
    "patients: how fast, how long, how safe, how often it works, what the clinic does. "
    "Say only what the post says: no names, numbers, drugs or claims it does not contain."
)
MAX_NEW_TOKENS = 128
# Longer inputs cost quadratic attention and memory for little gain in a blog post's summary.
MAX_INPUT_TOKENS = 1024
# Models that declare no input length (T5's relative positions) get this many tokens.
DEFAULT_CONTEXT = 512
# Enough for a 100,000-word post with 1,000-token chunks: each round shrinks a post's text
# to a few sentences per chunk.
MAX_ROUNDS = 4


def context_length(config, tokenizer) -> int:
    """How many tokens the model reads at once: its position table, else the tokenizer's limit."""
    for attribute in ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"):
        value = getattr(config, attribute, None)
        if isinstance(value, int) and value > 0:
            return value
    declared = getattr(tokenizer, "model_max_length", None)
    # Tokenizers without a limit report a huge sentinel (int(1e30)).
    return declared if isinstance(declared, int) and 0 < declared < 1_000_000 else DEFAULT_CONTEXT


def pieces_that_fit(text: str, fits: Callable[[str], bool]) -> list[str]:
    """A sentence too long for the model, cut at word boundaries (or, for one endless word, in halves)."""
    words = text.split()
    if len(words) == 1:
        middle = len(text) // 2
        return [text] if fits(text) or middle == 0 else pieces_that_fit(text[:middle], fits) + pieces_that_fit(text[middle:], fits)
    pieces, current = [], []
    for word in words:
        if current and not fits(" ".join(current + [word])):
            pieces.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        last = " ".join(current)
        pieces.extend([last] if fits(last) else pieces_that_fit(last, fits))
    return pieces


def chunk_sentences(sentences: list[str], fits: Callable[[str], bool]) -> list[str]:
    """Consecutive sentences joined into as few chunks as fit, in order; a sentence that does not
    fit on its own is cut. Every sentence's words end up in exactly one chunk."""
    chunks: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        if fits(" ".join(current + [sentence])):
            current.append(sentence)
            continue
        if current:
            chunks.append(" ".join(current))
            current = []
        if fits(sentence):
            current = [sentence]
        else:
            chunks.extend(pieces_that_fit(sentence, fits))
    if current:
        chunks.append(" ".join(current))
    return chunks


def generation_dtype(device: torch.device) -> torch.dtype:
    """bfloat16 on a GPU that has it (half the memory, same range as float32); float32 elsewhere,
    as float16 overflows in some models (T5) and CPUs without bfloat16 units run it slowly."""
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


class AbstractiveSummarizer:
    """Summaries written by a generative model, checked against the post, extractive where the check fails."""

    method = "abstractive"

    def __init__(
        self,
        model: str | os.PathLike,
        *,
        allow_download: bool = False,
        device: str | torch.device | None = None,
        batch_size: int = 8,
        max_new_tokens: int = MAX_NEW_TOKENS,
        max_input_tokens: int = MAX_INPUT_TOKENS,
        num_beams: int = 1,
        fallback: ExtractiveSummarizer | None = None,
    ):
        if min(batch_size, max_new_tokens, max_input_tokens, num_beams) < 1:
            raise ValueError("batch_size, max_new_tokens, max_input_tokens and num_beams must be at least 1")
        source = model_source(model)
        self.device = device_for(device)
        try:
            with quiet_loading():
                config = AutoConfig.from_pretrained(source, local_files_only=not allow_download)
                self.tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=not allow_download)
                loader = AutoModelForSeq2SeqLM if config.is_encoder_decoder else AutoModelForCausalLM
                self.generator = loader.from_pretrained(
                    source, local_files_only=not allow_download, dtype=generation_dtype(self.device)
                )
        except (OSError, ValueError) as exc:
            raise ModelNotAvailableError(unavailable_message(source, allow_download, exc)) from exc
        self.source = source
        self.model = readable_name(source)
        self.generator.to(self.device).eval()
        self.seq2seq = bool(config.is_encoder_decoder)
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        # A decoder-only model continues the last token of each row, so its batches are padded on the left.
        self.tokenizer.padding_side = "right" if self.seq2seq else "left"
        self.chat = not self.seq2seq and bool(getattr(self.tokenizer, "chat_template", None))
        self.batch_size = batch_size
        self.num_beams = num_beams
        context = context_length(config, self.tokenizer)
        # A seq2seq decoder has a position table of its own, after its start token.
        self.max_new_tokens = min(max_new_tokens, context - 1) if self.seq2seq else max_new_tokens
        # A causal model's answer shares its context with the prompt.
        self.input_limit = min(max_input_tokens, context if self.seq2seq else context - max_new_tokens)
        if self.input_limit <= self.prompt_length(""):
            raise ValueError(f"{self.model}: a context of {context} tokens leaves no room for a post "
                             f"beside the prompt and {max_new_tokens} new tokens")
        self.fallback = fallback or ExtractiveSummarizer()

    @cached_property
    def model_revision(self) -> str | None:
        """A short sha256 of the weights."""
        return files_digest(weight_files(self.source))

    @property
    def params(self) -> dict:
        return {
            "prompt": self.prompt("{post}"),
            "max_new_tokens": self.max_new_tokens,
            "num_beams": self.num_beams,
            "do_sample": False,
            "max_input_tokens": self.input_limit,
            "batch_size": self.batch_size,
            "device": self.device.type,
            "dtype": str(self.generator.dtype).removeprefix("torch."),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "fallback": {"method": self.fallback.method, "model": self.fallback.model,
                         "model_revision": self.fallback.model_revision, **self.fallback.params},
        }

    # --- prompts and token counts -----------------------------------------------------

    def prompt(self, text: str) -> str:
        if self.seq2seq:
            # T5-style models name their task in a prefix ("summarize: "); BART-style ones need none.
            tasks = getattr(self.generator.config, "task_specific_params", None) or {}
            prefix = (tasks.get("summarization") or {}).get("prefix", "")
            return prefix + text
        request = f"{INSTRUCTION}\n\n{text}"
        if self.chat:
            return self.tokenizer.apply_chat_template(
                [{"role": "user", "content": request}], tokenize=False, add_generation_prompt=True
            )
        return f"{request}\n\nSummary:"

    def encode(self, prompts: list[str], **kwargs):
        # A chat template writes its special tokens into the text; adding them again would double them.
        return self.tokenizer(prompts, add_special_tokens=not self.chat, **kwargs)

    def prompt_length(self, text: str) -> int:
        return len(self.encode([self.prompt(text)])["input_ids"][0])

    def fits(self, text: str) -> bool:
        return self.prompt_length(text) <= self.input_limit

    def chunks(self, text: str) -> list[str]:
        """The post cut into chunks of whole sentences that each fit the model's input with the prompt."""
        if self.fits(text):
            return [text] if text.strip() else []
        return chunk_sentences([s.text for s in split_sentences(text)], self.fits)

    # --- generation -------------------------------------------------------------------

    def generate(self, texts: list[str]) -> list[str]:
        """The model's summary of each text (each fits the input), in batches of similar length."""
        prompts = [self.prompt(text) for text in texts]
        lengths = [len(ids) for ids in self.encode(prompts)["input_ids"]]
        order = sorted(range(len(prompts)), key=lengths.__getitem__)
        outputs = [""] * len(prompts)
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            for row, output in zip(rows, self.generate_batch([prompts[i] for i in rows])):
                outputs[row] = output
        return outputs

    def generate_batch(self, prompts: list[str]) -> list[str]:
        inputs = self.encode(prompts, padding=True, truncation=True, max_length=self.input_limit,
                             return_tensors="pt").to(self.device)
        with torch.inference_mode():
            generated = self.generator.generate(
                **inputs, max_new_tokens=self.max_new_tokens, num_beams=self.num_beams, do_sample=False,
                pad_token_id=self.tokenizer.pad_token_id,
            )
        if not self.seq2seq:
            generated = generated[:, inputs["input_ids"].shape[1]:]  # the prompt comes back first
        texts = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
        return [" ".join(text.split()) for text in texts]

    def write_summaries(self, texts: list[str]) -> list[str]:
        """What the model writes for each post: its chunks summarized, then their summaries together,
        until one summary is left. The chunks of every post go through generate() together."""
        pieces = [self.chunks(text) for text in texts]
        written = {i: "" for i, chunks in enumerate(pieces) if not chunks}
        for round_ in range(MAX_ROUNDS):
            pending = [i for i in range(len(texts)) if i not in written]
            if not pending:
                break
            outputs = iter(self.generate([piece for i in pending for piece in pieces[i]]))
            for i in pending:
                summaries = [next(outputs) for _ in pieces[i]]
                joined = " ".join(summary for summary in summaries if summary)
                if len(summaries) == 1 or round_ == MAX_ROUNDS - 1:
                    written[i] = joined
                else:
                    pieces[i] = self.chunks(joined)
                    if not pieces[i]:
                        written[i] = ""
        return [written[i] for i in range(len(texts))]

    # --- the summarizer ---------------------------------------------------------------

    def summarize(self, text: str) -> str:
        return self.summarize_many([text])[0].text

    def summarize_many(self, texts: list[str]) -> list[Summary]:
        """One Summary per post: the model's, or the extractive one with the reason the model's failed."""
        written = self.write_summaries(texts)
        return self.checked(texts, written)

    def checked(self, texts: list[str], written: list[str]) -> list[Summary]:
        """Each written summary checked against its post; failing ones replaced by the extractive summary."""
        reasons = [fallback_reason(summary, text) if text.strip() else None for text, summary in zip(texts, written)]
        failing = [i for i, reason in enumerate(reasons) if reason]
        replacements = dict(zip(failing, self.fallback.summarize_texts([texts[i] for i in failing])))
        return [
            Summary(replacements[i], reasons[i]) if i in replacements else Summary(written[i])
            for i in range(len(texts))
        ]
