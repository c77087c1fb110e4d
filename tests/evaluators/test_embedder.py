"""The numpy MiniLM: paraphrases land closer than unrelated sentences."""

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
    batched = model.encode(
        ["Leave this with me.", "A much longer sentence about refunds and rent."]
    )
    assert np.allclose(alone[0], batched[0], atol=1e-4)


def test_paraphrase_evidence_without_a_fixed_phrase() -> None:
    found = {
        e.name
        for e in similar(["Please calm down, there's really no need to get so worked up about it."])
    }
    assert "minimising" in found


def test_negated_paraphrase_is_vetoed() -> None:
    found = {e.name for e in similar(["I won't transfer you to another department."])}
    assert "transfer" not in found


def test_forward_pass_stays_in_float32() -> None:
    # A float64 scalar anywhere in the pass promotes every later layer to float64 under
    # NumPy 2, which doubled the grader's latency before; the output dtype shows it.
    model = shared_model()
    hidden = model._forward(np.array([101, 7592, 102]), np.arange(3), np.zeros(3, dtype=int))
    assert hidden.dtype == np.float32
    assert model.encode(["Thanks for waiting."]).dtype == np.float32
