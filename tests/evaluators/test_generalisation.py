"""The offline grader on words its authors never wrote: every figure comes from rows the
head was not trained on (leave-one-source-out, held-out split), split by source.

Thresholds are the figures measured when the head was last rebuilt, less a small margin:
a regression fails here; an improvement should raise them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from evaluators.crossval import Row, fit, held_out, leave_one_source_out, read_all, scores
from evaluators.grade import GradeRequest
from evaluators.head import shipped
from evaluators.offline import OfflineEvaluator
from hotseat.calibration import spearman
from hotseat.cli.calibrate import load_labelled
from hotseat.cli.calibrate_heads import to_rows
from tests.evaluators.helpers import DATA, LABELS, read_jsonl

MARGIN = 0.03
# Leave-one-source-out Spearman (empathy, empowerment) when the head was last rebuilt
# (int8 MiniLM embeddings; the need columns weighed by the learned called-for model).
LOSO_FLOOR = {
    "aci_bench": (0.31, 0.33),
    "counselchat": (0.36, 0.20),
    "mts_dialog": (0.25, 0.22),
    "multiwoz21": (0.12, 0.48),
    "own": (0.85, 0.79),
    "primock57": (0.41, 0.35),
    "star": (0.30, 0.41),
    "team": (0.81, 0.83),
}
HELD_OUT_FLOOR = (0.73, 0.64)  # every third row of every source, all sources together
QUOTE_PRECISION_FLOOR = 0.80
KEYWORDS = {
    "empathy": [
        "sorry",
        "understand",
        "frustrat",
        "apolog",
        "hear",
        "feel",
        "imagine",
        "upset",
        "worr",
        "scar",
    ],
    "empowerment": [
        "i will",
        "i'll",
        "refund",
        "today",
        "now",
        "fix",
        "call you",
        "within",
        "sort",
        "reverse",
    ],
}


@pytest.fixture(scope="module")
def labelled() -> tuple[list[Row], list[Any]]:
    rows = to_rows(load_labelled(sorted(LABELS.glob("*.jsonl"))))
    assert len({r.source for r in rows}) >= 8 and len(rows) >= 2000
    return rows, read_all(rows)


@pytest.fixture(scope="module")
def loso(labelled: tuple[list[Row], list[Any]]) -> dict[str, dict[str, Any]]:
    return leave_one_source_out(*labelled)


@pytest.mark.parametrize("source", sorted(LOSO_FLOOR))
def test_leave_one_source_out_holds(loso: dict[str, dict[str, Any]], source: str) -> None:
    got = loso[source]
    assert got["n"] >= 100
    for axis, floor in zip(("empathy", "empowerment"), LOSO_FLOOR[source], strict=True):
        assert got[axis]["spearman"] >= floor - MARGIN, (source, axis, got[axis]["spearman"])


def test_held_out_split_holds(labelled: tuple[list[Row], list[Any]]) -> None:
    report = held_out(*labelled)["all"]
    for axis, floor in zip(("empathy", "empowerment"), HELD_OUT_FLOOR, strict=True):
        assert report[axis]["spearman"] >= floor - MARGIN, (axis, report[axis]["spearman"])


def _keyword_score(reply: str, words: list[str]) -> int:
    text = reply.lower()
    return min(4, sum(bool(re.search(re.escape(w), text)) for w in words))


def test_beats_a_keyword_list_on_every_source_it_never_saw(
    labelled: tuple[list[Row], list[Any]], loso: dict[str, dict[str, Any]]
) -> None:
    rows, _ = labelled
    beaten = 0
    for source, report in loso.items():
        mine = [r for r in rows if r.source == source and not r.injection]
        if len(mine) < 100:
            continue
        for axis, words in KEYWORDS.items():
            naive = spearman(
                [r.label(axis) for r in mine], [_keyword_score(r.reply, words) for r in mine]
            )
            beaten += report[axis]["spearman"] > naive
    # Of 16 (8 sources x 2 axes); at this head's rebuild it was 14: the keyword list still
    # wins empathy on aci_bench (by 0.01) and on multiwoz21 (labels that barely vary).
    assert beaten >= 13, beaten


def test_shipped_head_is_the_one_the_repo_files_rebuild(
    labelled: tuple[list[Row], list[Any]],
) -> None:
    """evaluators/data/head.npz = `hotseat calibrate calibration/*.jsonl --train` now."""
    rows, readings = labelled
    rebuilt = fit(rows, readings)
    sample = readings[::7]
    assert np.array_equal(scores(rebuilt, sample), scores(shipped(), sample))


def _overlaps(quote: str, spans: list[str]) -> bool:
    q = quote.strip("…").strip().lower()
    return any(q in s.lower() or s.lower() in q or _shared_words(q, s.lower()) >= 3 for s in spans)


def _shared_words(a: str, b: str) -> int:
    return len(set(re.findall(r"\w+", a)) & set(re.findall(r"\w+", b)))


def test_quotes_show_the_technique_they_name() -> None:
    """Quotes against hand-marked evidence spans (calibration/checks/spans.jsonl)."""
    marked = {r["id"]: r["spans"] for r in read_jsonl(LABELS / "checks" / "spans.jsonl")}
    source = {r.id: r for r in load_labelled(sorted(LABELS.glob("*.jsonl")))}
    grader = OfflineEvaluator()
    hits = total = 0
    for row_id, spans in marked.items():
        row = source[row_id]
        grade = grader.grade(GradeRequest(customer=row.customer, reply=row.reply))
        by_name: dict[str, list[str]] = {}
        for s in spans:
            by_name.setdefault(s["name"], []).append(s["span"])
        for ev in grade.techniques:
            if ev.name in by_name:  # both saw the technique: is the quote the right words?
                total += 1
                hits += _overlaps(ev.quote, by_name[ev.name])
    assert total >= 60
    assert hits / total >= QUOTE_PRECISION_FLOOR, f"{hits}/{total}"


def test_labels_were_checked_by_a_blind_second_pass() -> None:
    from hotseat.calibration import qwk

    first = {r.id: r for r in load_labelled(sorted(LABELS.glob("*.jsonl")))}
    first.update({r.id: r for r in load_labelled([DATA / "injections.jsonl"])})
    for name in ("relabel.jsonl", "team_relabel.jsonl"):
        second = read_jsonl(LABELS / "checks" / name)
        assert len(second) >= 50
        for axis in ("empathy", "empowerment"):
            kappa = qwk([getattr(first[r["id"]], axis) for r in second], [r[axis] for r in second])
            assert kappa > 0.8, (name, axis, kappa)


def test_corpus_rows_keep_their_attribution() -> None:
    rows = read_jsonl(LABELS / "corpora.jsonl")
    readme = (LABELS / "README.md").read_text("utf-8")
    for origin in {r["origin"] for r in rows}:
        assert origin.split("@")[1] in readme, origin
    assert Path(LABELS / "GUIDE.md").is_file()


# Sources where people judged most messages calm (a clinic, a booking desk): the rule says
# "called for" to nearly every statement there; the learned model must do clearly better.
CALM_SOURCES = ("aci_bench", "mts_dialog", "multiwoz21", "primock57", "star")


@pytest.mark.parametrize("source", CALM_SOURCES)
def test_called_for_model_reads_calm_messages_it_never_saw(
    loso: dict[str, dict[str, Any]], source: str
) -> None:
    both = loso[source]["called_for"]
    assert both["model"] >= 0.64, (source, both)
    assert both["model"] >= both["rule"] + 0.15, (source, both)


def test_shipped_called_for_model_is_the_one_the_repo_files_rebuild(
    labelled: tuple[list[Row], list[Any]],
) -> None:
    rows, readings = labelled
    inputs = np.stack([r.called_for_inputs for r in readings[::7]])
    rebuilt = fit(rows, readings).called_for.probability(inputs)
    assert np.allclose(rebuilt, shipped().called_for.probability(inputs), atol=1e-4)
