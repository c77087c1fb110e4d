"""Sessions are matched to the studio version of the card and customer prompt they ran with."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluators.offline import OfflineEvaluator
from hotseat.engine import Engine
from hotseat.settings import Settings, load_settings
from hotseat.store import Store
from hotseat.store.lineage import Lineage, numbered, unnamed_id
from hotseat.studio import cohort
from hotseat.studio.lineage import OUTSIDE, UNVERSIONED, usage_rows
from hotseat.studio.versions import Doc, save_new_version

CARD = "double-charge"
GOOD = "I can hear how stressful this is. I will refund the duplicate charge today by 5pm."


def _engine(settings: Settings, store: Store, dirs: dict[str, Path]) -> Engine:
    return Engine(
        settings,
        store,
        OfflineEvaluator(),
        personas_dir=dirs["personas"],
        prompts_dir=dirs["prompts"],
    )


@pytest.fixture
def engine(studio_env: dict[str, Path], store: Store) -> Engine:
    return _engine(load_settings(), store, studio_env)


def test_card_versions_are_matched_through_the_effective_card(
    engine: Engine, store: Store, dirs: dict[str, Path]
) -> None:
    doc = Doc("persona", CARD, dirs["personas"])
    other = engine.start("Ana", "card-fraud").session_id  # a card never saved in the studio
    before = engine.start("Ana", CARD).session_id  # the file as shipped
    original = doc.read()
    edited = original.replace("  intensity: 4", "  intensity: 5")
    assert save_new_version(store, doc, edited).ok  # keeps the shipped text as v1
    after = engine.start("Ben", CARD).session_id
    after_hard = engine.start("Ben", CARD, "hard").session_id
    # A comment changes the source but not the effective card: the newest version wins.
    assert save_new_version(store, doc, edited + "# reviewed\n").ok
    commented = engine.start("Cy", CARD).session_id
    doc.path.write_text(edited.replace("Dana Whitfield", "Dana Handedit"), encoding="utf-8")
    outside = engine.start("Cy", CARD).session_id

    v1, v2, v3 = numbered(store, "persona", CARD)
    assert v1.record.content == original and v3.label == "v3"
    lineage = Lineage(store, dirs["personas"])
    session = {sid: store.get_session(sid) for sid in (other, before, after, after_hard)}
    session |= {sid: store.get_session(sid) for sid in (commented, outside)}
    label = {sid: lineage.card_id(s) for sid, s in session.items()}
    assert label[before] == v1.label  # v1 was saved after this session: still its version
    assert label[after] == label[after_hard] == v2.label
    assert label[commented] == v3.label
    # Never named: the short hash of the card it ran with, and the word.
    hand = unnamed_id(session[outside].persona_hash)
    assert label[outside] == hand == f"{session[outside].persona_hash[:10]} (unnamed)"
    assert label[other] == unnamed_id(session[other].persona_hash)

    rows = usage_rows(store, "persona", CARD, dirs["personas"])
    assert [(r["version"], r["sessions"], r["trainees"], r["note"]) for r in rows] == [
        ("v3", 1, 1, ""),
        ("v2", 2, 1, ""),
        ("v1", 1, 1, "the file as it was before its first studio save"),
        (hand, 1, 1, OUTSIDE),
    ]
    assert (rows[0]["state"], rows[0]["author"]) == ("published", "studio")
    assert rows[2]["author"] == "published file"  # the shipped text, kept at the first save


def test_prompt_versions_are_matched_inside_the_sessions_prompt_set(
    engine: Engine, store: Store, dirs: dict[str, Path]
) -> None:
    doc = Doc("prompt", "customer_turn.md", dirs["prompts"])
    first = engine.start("Ana", CARD).session_id
    assert save_new_version(store, doc, doc.read() + "\nStay in character.\n").ok
    second = engine.start("Ana", CARD).session_id
    v1, v2 = numbered(store, "prompt", "customer_turn.md")
    lineage = Lineage(store, dirs["personas"])
    assert lineage.prompt_version(store.get_session(first), doc.name) == v1
    assert lineage.prompt_version(store.get_session(second), doc.name) == v2
    rows = usage_rows(store, "prompt", doc.name, dirs["personas"])
    assert [(r["version"], r["sessions"]) for r in rows] == [("v2", 1), ("v1", 1)]
    # Files a session does not record (the judge's prompt) have no session rows.
    assert usage_rows(store, "prompt", "judge.md", dirs["personas"]) == []


def test_cohort_and_studio_show_the_version_each_session_used(
    make_page, studio_env, tmp_path
) -> None:
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as s:  # the app's database (app_env)
        engine = _engine(load_settings(), s, studio_env)
        doc = Doc("persona", CARD, studio_env["personas"])
        assert save_new_version(s, doc, doc.read().replace("  intensity: 4", "  intensity: 5")).ok
        sid = engine.start("Ana", CARD).session_id
        engine.submit(sid, GOOD)
        doc.path.write_text(doc.read() + "# hand edit\n", encoding="utf-8")  # same card
        doc.path.write_text(doc.read().replace("Dana Whitfield", "Dana Other"), encoding="utf-8")
        hand = engine.start("Ben", CARD).session_id
        engine.submit(hand, GOOD)
        v2 = numbered(s, "persona", CARD)[-1]
        unnamed = unnamed_id(s.get_session(hand).persona_hash)

    at = make_page("pages/5_Cohort.py", signed_in=True)
    at.run()
    assert not at.exception
    sessions = at.dataframe[-1].value  # all sessions, oldest first
    assert sessions["persona_version"].tolist() == [v2.label, unnamed]
    # Each row opens its transcript on the Debrief page.
    assert sessions["transcript"].tolist()[0] == f"Debrief?session={sid}"
    versions = at.dataframe[-2].value  # per card version
    assert versions["persona_version"].tolist() == sorted([unnamed, v2.label])
    assert versions["sessions"].tolist() == [1, 1]

    studio = make_page("pages/4_Trainer_studio.py", signed_in=True)
    studio.run()
    studio.selectbox(key="studio_doc").select(CARD).run()
    usage = studio.dataframe[0].value  # sessions per version
    assert usage["version"].tolist() == ["v2", "v1", unnamed]
    assert usage["sessions"].tolist() == [1, 0, 1]


def test_cohort_rows_name_the_studio_version(
    engine: Engine, store: Store, dirs: dict[str, Path]
) -> None:
    sid = engine.start("Ana", CARD).session_id
    engine.submit(sid, GOOD)
    rows = cohort.session_rows(store, dirs["personas"])
    assert [r["persona_version"] for r in rows] == [unnamed_id(store.get_session(sid).persona_hash)]
    assert usage_rows(store, "persona", CARD, dirs["personas"])[0]["note"] == UNVERSIONED
    assert "persona_version" in cohort.to_csv(rows).splitlines()[0]


def test_debrief_names_the_version_the_trainee_practised_on(
    make_page, studio_env, tmp_path
) -> None:
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as s:  # the app's database (app_env)
        engine = _engine(load_settings(), s, studio_env)
        doc = Doc("persona", CARD, studio_env["personas"])
        first = engine.start("Ana", CARD).session_id  # the shipped file, never named yet
        assert save_new_version(s, doc, doc.read().replace("  intensity: 4", "  intensity: 5")).ok
        sid = engine.start("Ana", CARD).session_id
        engine.submit(sid, GOOD)
        other = engine.start("Ana", "card-fraud").session_id  # a card never saved in the studio
        unnamed = unnamed_id(s.get_session(other).persona_hash)

    def shown(session_id: str) -> list[str]:
        page = make_page("pages/1_Debrief.py", signed_in=True)
        page.query_params["session"] = session_id
        page.run()
        assert not page.exception
        return [c.value for c in page.caption if c.value.startswith("Persona version")]

    assert shown(sid) == ["Persona version v2"]
    assert shown(first) == ["Persona version v1"]  # the shipped text, kept as v1 at the save
    assert shown(other) == [f"Persona version {unnamed}"]
