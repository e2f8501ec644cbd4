"""The sentence encoder's pooling: the transformer plus mean pooling and L2 normalisation, token
ids in, one unit vector per sequence out. The float32 runtime of the summaries runs it, and it is
what goes to ONNX for the int8 one (pipeline/onnx_int8.py), so both compute the same vectors.
Imported only where torch is needed (building the int8 file, the torch runtime)."""

from __future__ import annotations

import torch


class PooledEncoder(torch.nn.Module):
    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        tokens = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)
