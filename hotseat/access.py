"""Who may see what: the viewer model and the one rule every page asks.

A session, its debrief, its what-if branches and a trainee's progress belong to that
trainee; trainers see everyone's. With sign-in off (auth=none) the viewer is "anyone":
whoever has the URL acts as anyone, which is what that mode means and the app says so.
Pages never restate this rule: they call `can_see` (or `progress_subject`, built on it)
and show the same "not found" for a session they may not see as for one that does not
exist, so a guess learns nothing about what exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["trainee", "trainer"]
ROLES: tuple[Role, ...] = ("trainee", "trainer")


@dataclass(frozen=True)
class Viewer:
    """The person looking at a page, as sign-in established them."""

    name: str | None  # the account (trainee name); None when nobody is signed in
    role: Role = "trainee"
    anyone: bool = False  # auth=none: no identity, no restriction
    display_name: str | None = None  # what to greet them with (an OIDC name claim)

    @classmethod
    def open_access(cls) -> Viewer:
        return cls(name=None, anyone=True)

    @property
    def is_trainer(self) -> bool:
        return not self.anyone and self.role == "trainer"


def can_see(viewer: Viewer, session_trainee: str) -> bool:
    """May `viewer` see (and continue) what belongs to the trainee `session_trainee`?"""
    if viewer.anyone or viewer.is_trainer:
        return True
    return bool(viewer.name) and viewer.name == session_trainee  # an empty name owns nothing


def progress_subject(viewer: Viewer, requested: str | None) -> str | None:
    """Whose progress a page shows: the requested trainee if the viewer may see theirs,
    else the viewer's own (a trainee asking for someone else simply sees their own)."""
    if requested and can_see(viewer, requested):
        return requested
    return viewer.name
