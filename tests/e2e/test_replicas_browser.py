"""Two `streamlit run app.py` replicas on one PostgreSQL, driven by headless Chromium:
a session started on one continues on the other, and the same turn answered in two tabs
on the two replicas is stored once, the losing tab saying so."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from hotseat.store import Store
from tests.e2e.conftest import scripted_server, streamlit_app
from tests.e2e.test_browser import CHIP, REPLIES, WAIT_MS, settled, start
from tests.e2e.test_browser import say as say_turn
from tests.fakes.postgres import postgres_server  # noqa: F401  (a fixture, used by name)

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

CONFLICT = "Another tab or window answered this turn first"


@pytest.fixture(scope="module")
def replicas(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[str], str]]:
    """Two app processes on one PostgreSQL database and one fake LLM: (urls, db url)."""
    database = request.getfixturevalue("postgres_server").create_database()
    server = scripted_server()
    with ExitStack() as stack:
        stack.callback(server.stop)
        urls = [
            stack.enter_context(
                streamlit_app(
                    tmp_path_factory.mktemp(f"replica-{name}"), server=server, database=database
                )
            )[0]
            for name in ("a", "b")
        ]
        yield urls, database


def _session_id(url: str) -> str:
    return re.search(r"session=([^&]+)", url).group(1)


def _on(replica_url: str, page_url: str) -> str:
    """The same link (path and query) on another replica."""
    return replica_url + re.sub(r"^https?://[^/]+", "", page_url)


def _turns(database: str, session_id: str) -> list[tuple[str, str]]:
    with Store(database) as store:
        return [(t.role, t.text) for t in store.list_turns(session_id)]


def test_a_reload_on_the_other_replica_continues_the_session(browser, replicas) -> None:
    (url_a, url_b), database = replicas
    ctx = browser.new_context()
    page = ctx.new_page()
    start(page, url_a, "Robin")
    say_turn(page, REPLIES[0], 1)
    page.goto(_on(url_b, page.url))  # the load balancer sent the reload to the other one
    page.get_by_text(REPLIES[0][:40]).first.wait_for(timeout=WAIT_MS)
    settled(page, 3)
    assert page.get_by_text(CHIP).count() == 1
    say_turn(page, REPLIES[2], 2)  # and the call goes on there
    turns = _turns(database, _session_id(page.url))
    assert [role for role, _ in turns] == ["customer", "agent", "customer", "agent", "customer"]
    assert [text for role, text in turns if role == "agent"] == [REPLIES[0], REPLIES[2]]
    ctx.close()


def test_the_same_turn_answered_on_two_replicas_is_stored_once(browser, replicas) -> None:
    (url_a, url_b), database = replicas
    contexts = [browser.new_context(), browser.new_context()]
    a, b = (c.new_page() for c in contexts)
    start(a, url_a, "Sasha")
    b.goto(_on(url_b, a.url))
    settled(a, 1)
    settled(b, 1)
    texts = {
        "a": "Tab on A: I will refund the duplicate now and email you by 5pm.",
        "b": "Tab on B: I will reverse the charge today and call you by 6pm.",
    }
    pages = {"a": a, "b": b}
    boxes = {k: p.get_by_placeholder("Your reply to the customer") for k, p in pages.items()}
    for key, box in boxes.items():
        box.fill(texts[key])
    for box in boxes.values():  # both sent before either replica has answered
        box.press("Enter")
    for _ in range(WAIT_MS // 250):
        losers = [k for k, p in pages.items() if p.get_by_text(CONFLICT).count()]
        if losers:
            break
        a.wait_for_timeout(250)
    shown = {k: p.locator("body").inner_text() for k, p in pages.items()}
    assert len(losers) == 1, f"exactly one tab is told another answered first: {shown}"
    loser, winner = losers[0], "b" if losers[0] == "a" else "a"
    settled(pages[winner], 3)
    settled(pages[loser], 3)  # the loser now draws the winner's reply and the answer
    assert pages[loser].get_by_text(texts[winner]).count() >= 1
    assert texts[loser] in pages[loser].get_by_text(CONFLICT).inner_text()  # kept to copy
    turns = _turns(database, _session_id(a.url))
    assert [role for role, _ in turns] == ["customer", "agent", "customer"]
    assert turns[1] == ("agent", texts[winner])

    # The winner goes on; the loser's tab, still drawing the older turn, answers it late.
    say_turn(pages[winner], REPLIES[0], 2)
    stale = "Late tab: I will refund it and write to your landlord today."
    boxes[loser].fill(stale)
    boxes[loser].press("Enter")
    pages[loser].get_by_text(stale).last.wait_for(timeout=WAIT_MS)
    settled(pages[loser], 5)
    assert stale in pages[loser].get_by_text(CONFLICT).inner_text()
    turns = _turns(database, _session_id(a.url))
    assert [text for role, text in turns if role == "agent"] == [texts[winner], REPLIES[0]]
    assert len(turns) == 5
    for c in contexts:
        c.close()
