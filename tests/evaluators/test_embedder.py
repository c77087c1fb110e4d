"""MiniLM as an int8 ONNX graph: close to the float model, paraphrases closer than
unrelated sentences, built once from the installed weights into the cache."""

from __future__ import annotations

import numpy as np

from evaluators.embedder import model_dir, shared_model
from evaluators.semantic import similar


def test_model_files_come_from_the_installed_package() -> None:
    path = model_dir()
    assert (path / "model.safetensors").is_file()
    assert "site-packages" in str(path) or "dist-packages" in str(path)


def test_vectors_are_unit_length_and_paraphrases_are_closer() -> None:
    vecs = shared_model().encode(
        [
            "I am so sorry you were charged twice.",
            "Apologies for the duplicate charge on your card.",
            "The weather in Paris is lovely today.",
        ]
    )
    assert vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    sims = vecs @ vecs.T
    assert sims[0, 1] > sims[0, 2] + 0.3


def test_encoding_is_deterministic_and_batch_independent() -> None:
    model = shared_model()
    alone = model.encode(["Leave this with me."])
    assert np.array_equal(alone, model.encode(["Leave this with me."]))
    batched = model.encode(
        ["Leave this with me.", "A much longer sentence about refunds and rent."]
    )
    assert np.array_equal(alone[0], batched[0])


def test_paraphrase_evidence_without_a_fixed_phrase() -> None:
    found = {
        e.name
        for e in similar(["Please calm down, there's really no need to get so worked up about it."])
    }
    assert "minimising" in found


def test_negated_paraphrase_is_vetoed() -> None:
    found = {e.name for e in similar(["I won't transfer you to another department."])}
    assert "transfer" not in found


def test_int8_graph_stays_close_to_the_float_model(tmp_path) -> None:
    """The quantised graph against the same graph in float32, on clauses people wrote."""
    import onnxruntime as ort
    from safetensors.numpy import load_file

    from evaluators.minilm_graph import float_graph

    weights = {
        k: v.astype(np.float32)
        for k, v in load_file(str(model_dir() / "model.safetensors")).items()
    }
    graph, _ = float_graph(weights)
    path = tmp_path / "float.onnx"
    path.write_bytes(graph.SerializeToString())
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    model = shared_model()
    clauses = [
        "I'm so sorry, that's awful timing with rent due.",
        "gosh, that sounds exhausting.",
        "I've just put the refund through on my end, it should land by tomorrow morning.",
        "Please hold while I transfer you.",
        "Can you read me the last four digits of the card?",
    ]
    for clause in clauses:
        ids = np.asarray(model._tok.encode(clause).ids, dtype=np.int64)
        bias = np.zeros((len(ids), len(ids)), dtype=np.float32)
        (hidden,) = session.run(None, {"ids": ids, "pos": np.arange(len(ids)), "bias": bias})
        ref = hidden.mean(0) / np.linalg.norm(hidden.mean(0))
        assert float(model.encode([clause])[0] @ ref) > 0.96, clause


def test_the_graph_is_built_once_into_the_cache(tmp_path) -> None:
    from evaluators.embedder import MiniLM

    first = MiniLM(cache_dir=tmp_path)
    built = list(tmp_path.glob("*.onnx"))
    assert len(built) == 1 and built[0].stat().st_size < 30_000_000
    stamp = built[0].stat().st_mtime_ns
    second = MiniLM(cache_dir=tmp_path)
    assert built[0].stat().st_mtime_ns == stamp  # reused, not rebuilt
    text = ["Leave this with me."]
    assert np.array_equal(first.encode(text), second.encode(text))
    assert first.encode(text).dtype == np.float32
