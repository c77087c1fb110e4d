"""A/B compare: Wilson intervals, a plain sample-size warning, pairs by seed, exports, and
the studio tab running both versions on the same seeds with one button."""

from __future__ import annotations

import csv
import io
import json

import pytest

from hotseat.store import Store
from hotseat.studio import ab
from hotseat.studio.versions import Doc, history, save_draft
from tests.app.conftest import unescape

CARD = "double-charge"


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (0, 4, 0.0, 0.490),
        (2, 4, 0.150, 0.850),
        (4, 4, 0.510, 1.0),
        (15, 30, 0.332, 0.668),
        (0, 0, 0.0, 1.0),
    ],
)
def test_wilson_interval(k: int, n: int, low: float, high: float) -> None:
    got = ab.wilson(k, n)
    assert got == pytest.approx((low, high), abs=0.001)


def test_sample_warning_is_plain_and_goes_away_with_enough() -> None:
    text = ab.sample_warning(4)
    assert text is not None and "Only 4 conversations per version" in text
    assert "±35%" in text and "not proof" in text  # Wilson, 2 of 4
    assert ab.sample_warning(ab.ENOUGH) is None


def _row(bot: str, seed: int, end: str, line: str = "Fine.") -> dict:
    return {
        "bot": bot,
        "seed": seed,
        "end_state": end,
        "turns": [
            {"index": 0, "role": "customer", "text": "Where is my money?", "mood": {"anger": 7}},
            {
                "index": 1,
                "role": "agent",
                "text": "I will refund it now.",
                "mood": None,
                "grade": {"empathy": 2, "empowerment": 3},
            },
            {"index": 2, "role": "customer", "text": line, "mood": {"anger": 5}},
        ],
    }


def test_rates_pairs_and_exports() -> None:
    a = {("ideal", 0): _row("ideal", 0, "resolved"), ("ideal", 1): _row("ideal", 1, "hangs_up")}
    b = {
        ("ideal", 0): _row("ideal", 0, "resolved"),
        ("ideal", 1): _row("ideal", 1, "resolved", "Thanks."),
    }
    rates = ab.rate_rows(list(a.values()), list(b.values()), ["ideal"])
    resolved = next(r for r in rates if (r["bots"], r["end state"]) == ("all bots", "resolved"))
    assert resolved["A"] == "1/2 = 50% (95%: 9%–91%)"
    assert resolved["B"].startswith("2/2 = 100%")
    assert resolved["verdict"] == "could be chance"  # two conversations prove nothing
    hung = next(r for r in rates if r["end state"] == "hung up")
    assert hung["B"].startswith("0/2 = 0%")
    paired = ab.pairs(a, b)
    assert [(p.bot, p.seed, p.differs) for p in paired] == [("ideal", 0, False), ("ideal", 1, True)]
    assert ab.outcome(paired[1].a) == "hung up after 1 reply"
    assert ab.mood_trace(paired[0].a).startswith("anger 7 → 5")
    data = json.loads(ab.export_json(("v1", "v2"), paired, rates))
    assert data["B"] == "v2" and data["pairs"][1]["differs"] is True
    lines = list(csv.DictReader(io.StringIO(ab.export_csv(("v1", "v2"), paired))))
    assert [(r["version"], r["seed"], r["end_state"]) for r in lines] == [
        ("A", "0", "resolved"),
        ("B", "0", "resolved"),
        ("A", "1", "hangs_up"),
        ("B", "1", "resolved"),
    ]
    assert lines[0]["mean_empowerment"] == "3.0" and lines[0]["final_anger"] == "5"


def test_compare_tab_runs_both_versions_on_the_same_seeds(make_page, studio_env, tmp_path):
    doc = Doc("persona", CARD, studio_env["personas"])
    calmer = doc.read().replace("  intensity: 4", "  intensity: 3")
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as s:
        assert save_draft(s, doc, calmer, "Tina", "calmer").ok
        draft = history(s, doc)[0]
    at = make_page("pages/4_Trainer_studio.py", signed_in=True)
    at.run()
    at.selectbox(key="studio_doc").select(CARD).run()
    # A is what trainees get; B the newest draft, not the editor's text.
    sides = [s for s in at.selectbox if s.key and s.key.startswith("ab-")]
    assert sides[0].value == "published file"
    assert sides[1].value.startswith(f"{draft.id} · draft")
    at.number_input(key=f"ab-seeds-persona-{CARD}").set_value(1).run()
    at.button(key=f"ab-run-persona-{CARD}").click().run()
    assert not at.exception and not at.error
    assert not at.button(key=f"ab-run-persona-{CARD}").disabled  # enabled again when done
    warnings = "\n".join(w.value for w in at.warning)
    assert "Only 2 conversations per version" in warnings
    titles = [e.label for e in at.expander]
    assert any(t.startswith("dismissive · seed 0: A ") and " · B " in t for t in titles)
    assert any(t.startswith("ideal · seed 0: A ") for t in titles)
    # Per seed, both transcripts: each side opens with the customer's first line.
    seed = next(e for e in at.expander if e.label.startswith("ideal · seed 0"))
    sides = [unescape(m.value) for m in seed.markdown if m.value.startswith("**")]
    assert sides[0].startswith("**A** · ") and sides[1].startswith("**B** · ")
    assert len(seed.chat_message) >= 4
    rates = at.dataframe[-1].value
    assert set(rates.columns) >= {"bots", "end state", "A", "B", "verdict"}
    assert all("95%:" in cell for cell in rates["A"])
    assert {b.key for b in at.get("download_button")} >= {
        f"ab-json-persona-{CARD}",
        f"ab-csv-persona-{CARD}",
    }


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # A draft newer than the published file: draft vs what trainees get.
        ({"editor": "x", "published": "p", "v2 · draft": "d", "v1 · published": "p"}, (1, 2)),
        # The newest version was just published: it vs the one before it.
        ({"editor": "d", "published": "d", "v2 · published": "d", "v1 · old": "p"}, (3, 1)),
        # Nothing saved yet: the editor's text vs the file.
        ({"editor": "x", "published": "p"}, (1, 0)),
    ],
)
def test_default_sides_ask_the_likely_question(texts: dict[str, str], expected) -> None:
    from hotseat.studio import ab_page, editor

    choices = {
        editor.EDITING if k == "editor" else editor.PUBLISHED if k == "published" else k: v
        for k, v in texts.items()
    }
    assert ab_page._defaults(list(choices), choices) == expected
