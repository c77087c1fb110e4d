"""Awkward input is stored intact or refused with a clear message, the same on both backends."""

from __future__ import annotations

import pytest

from hotseat.store import NewTurn, SessionRecord, Store, StoreError

ODD_TEXT = [
    "👩🏽‍💻 family: 👨‍👩‍👧‍👦 flags: 🇧🇷🇯🇵",  # ZWJ sequences, skin tone, regional indicators
    "שלום, العربية mixed with English \u200f\u202e reversed",  # RTL and bidi controls
    "e\u0301 vs \u00e9, Zalgo: Z\u0351\u0362a\u0336l\u0338g\u0334o",  # combining marks
    "𝕳𝖔𝖙𝖘𝖊𝖆𝖙 𝟘𝟙𝟚 \U0001f600 \U00010348",  # astral-plane characters
    "\ufeffBOM, zero\u200bwidth, nbsp\u00a0here, soft\u00adhyphen",
    "<script>alert('x')</script> & \"quotes\" 'single' `back` \\ backslash; DROP TABLE turns;--",
    "tabs\tand\r\nwindows newlines\nand \x1b[31mANSI\x1b[0m and \x07 bell",
    "中文 日本語 한국어 ไทย देवनागरी",
    "   leading and trailing space   ",
    "",
]


@pytest.mark.parametrize("text", ODD_TEXT, ids=range(len(ODD_TEXT)))
def test_odd_unicode_round_trips_through_a_turn(
    store: Store, session: SessionRecord, text: str
) -> None:
    grade = {"reason": text, "techniques": [text], text or "empty": 1}
    written = store.add_turn(
        session.id, NewTurn(role="agent", text=text, intent=text, grade=grade, model=text)
    )
    (read,) = store.list_turns(session.id)
    assert read == written
    assert (read.text, read.intent, read.model, read.grade) == (text, text, text, grade)


def test_odd_unicode_round_trips_elsewhere(store: Store, session: SessionRecord) -> None:
    name = "José 👩🏽‍💻 Ñúñez-O'Brien"
    assert store.get_or_create_trainee(name).name == name
    content = "\n".join(ODD_TEXT)
    digest = store.save_version("persona", "ünïcode-😡", content)
    assert store.get_version(digest).content == content
    assert store.list_versions("persona", "ünïcode-😡")[0].key == "ünïcode-😡"
    state = {"notes": ODD_TEXT, "nested": {"ключ": ["值", {"🔑": "\u202e"}]}}
    assert store.update_session(session.id, state=state).state == state
    assert store.get_session(session.id).state == state


def test_huge_text_is_stored_intact(store: Store, session: SessionRecord) -> None:
    # 2 million characters, multi-byte ones included, with a distinct marker every 1000.
    huge = "".join(f"[{i:07d}] angry customer 😡 é ü " + "x" * 968 for i in range(2000))
    store.add_turn(session.id, NewTurn(role="agent", text=huge))
    (read,) = store.list_turns(session.id)
    assert len(read.text) == len(huge) and read.text == huge
    big_card = huge[:500_000]
    assert store.get_version(store.save_version("persona", "big", big_card)).content == big_card


@pytest.mark.parametrize(
    ("turn", "message"),
    [
        (NewTurn(role="agent", text="before\x00after"), r"turn text contains a NUL.*position 6"),
        (NewTurn(role="agent", text="x", intent="v\x00ent"), "turn intent contains a NUL"),
        (NewTurn(role="agent", text="x", grade={"reason": "\x00"}), r"grade\['reason'\]"),
        (NewTurn(role="agent", text="bad \ud800 surrogate"), "unpaired surrogate at position 4"),
        (NewTurn(role="agent", text="x", grade={"when": {1, 2}}), "cannot be stored as JSON"),
    ],
    ids=["nul-text", "nul-intent", "nul-grade", "surrogate", "not-json"],
)
def test_unstorable_text_is_refused_clearly_and_nothing_is_written(
    store: Store, session: SessionRecord, turn: NewTurn, message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        store.add_turn(session.id, turn)
    assert store.list_turns(session.id) == []
    ok = store.add_turn(session.id, NewTurn(role="agent", text="after a refusal"))
    assert ok.index == 0  # the refused turn did not take an index


def test_unstorable_names_and_content_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="trainee name contains a NUL"):
        store.get_or_create_trainee("a\x00b")
    with pytest.raises(StoreError, match="persona 'p' content contains a NUL"):
        store.save_version("persona", "p", "card\x00")
    with pytest.raises(StoreError, match="must be text"):
        store.save_version("persona", "p", b"bytes")  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="prompt key is empty"):
        store.save_version("prompt", " ", "x")


def test_wrong_types_for_ids_raise_store_errors(store: Store) -> None:
    with pytest.raises(StoreError, match="No session with id 42"):
        store.get_session(42)  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="No trainee with id 'ana'"):
        store.get_trainee("ana")  # type: ignore[arg-type]
