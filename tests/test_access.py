"""The one rule of who may see a trainee's sessions, as a table."""

from __future__ import annotations

import pytest

from hotseat.access import Viewer, can_see, progress_subject

ALICE = Viewer(name="Alice")
BOB = Viewer(name="Bob")
TRAINER = Viewer(name="Tina", role="trainer")
ANYONE = Viewer.open_access()
NOBODY = Viewer(name=None)


@pytest.mark.parametrize(
    ("viewer", "owner", "allowed"),
    [
        (ALICE, "Alice", True),
        (BOB, "Alice", False),
        (ALICE, "alice", False),  # names are exact: no case-folded look-alike
        (TRAINER, "Alice", True),
        (TRAINER, "Tina", True),
        (ANYONE, "Alice", True),  # auth=none: whoever has the URL acts as anyone
        (NOBODY, "Alice", False),
        (NOBODY, "", False),
        (Viewer(name="", role="trainee"), "", False),
    ],
)
def test_can_see(viewer: Viewer, owner: str, allowed: bool) -> None:
    assert can_see(viewer, owner) is allowed


@pytest.mark.parametrize(
    ("viewer", "requested", "shown"),
    [
        (BOB, "Alice", "Bob"),  # a trainee asking for another sees their own
        (BOB, None, "Bob"),
        (ALICE, "Alice", "Alice"),
        (TRAINER, "Alice", "Alice"),
        (TRAINER, None, "Tina"),
        (ANYONE, "Alice", "Alice"),
    ],
)
def test_progress_subject(viewer: Viewer, requested: str | None, shown: str) -> None:
    assert progress_subject(viewer, requested) == shown


def test_session_ids_are_unguessable(tmp_path) -> None:
    from hotseat.store import Store
    from tests.store.helpers import make_session

    with Store(f"sqlite:///{tmp_path / 'ids.db'}") as store:
        ids = {make_session(store).id for _ in range(5)}
    assert len(ids) == 5
    assert all(len(i) >= 22 for i in ids)  # token_urlsafe(16): 128 random bits
