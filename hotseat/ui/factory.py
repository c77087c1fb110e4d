"""Build the engine the pages share, once per process and per configuration.

`st.cache_resource` keeps one store (one connection pool) and one evaluator (its
embedding model takes seconds to load) for all browser sessions; everything that
differs between trainees lives in the store, keyed by the session id in the URL.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from evaluators.offline import OfflineEvaluator
from hotseat.engine import Engine
from hotseat.paths import personas_dir, prompts_dir
from hotseat.personas import DIFFICULTIES, load_catalog
from hotseat.settings import Settings, load_settings
from hotseat.store import Store


def settings_key(settings: Settings) -> str:
    """What decides which engine to use, hashed so no secret sits in the cache key."""
    raw = json.dumps(
        {
            **settings.describe(),
            "db_url": settings.db_url,
            "personas": str(personas_dir()),
            "prompts": str(prompts_dir()),
        },
        sort_keys=True,
    )
    return hashlib.sha256(raw.encode()).hexdigest()


@st.cache_resource(show_spinner="Starting the engine…")
def _cached_engine(key: str) -> Engine:
    settings = load_settings()
    # The offline grader is fast, deterministic and needs no provider: the default here.
    # The same folders the trainer studio publishes to, so published cards reach trainees.
    return Engine(
        settings,
        Store(settings.db_url),
        OfflineEvaluator(),
        personas_dir=personas_dir(),
        prompts_dir=prompts_dir(),
    )


def get_engine() -> Engine:
    """The shared engine for the current environment (rebuilt if the settings change)."""
    return _cached_engine(settings_key(load_settings()))


@dataclass(frozen=True)
class ScenarioCard:
    id: str
    name: str
    archetype: str
    summary: str
    difficulty: str


def scenario_cards() -> list[ScenarioCard]:
    """The picker's cards, by archetype then name; cards that fail to load are skipped."""
    return _scenario_cards(str(personas_dir()))


def card_problems() -> list[str]:
    """Cards that failed to load, as `file:line: field: message`, so none vanish silently."""
    return _card_problems(str(personas_dir()))


# Keyed by folder (a trainer may point the app elsewhere); short-lived so a card the
# studio publishes shows up soon.
@st.cache_data(show_spinner=False, ttl=30)
def _scenario_cards(folder: str) -> list[ScenarioCard]:
    catalog = load_catalog(Path(folder))
    cards = [
        ScenarioCard(c.id, c.name, c.archetype, c.summary, c.difficulty)
        for c in catalog.cards.values()
    ]
    return sorted(cards, key=lambda c: (c.archetype, c.name))


@st.cache_data(show_spinner=False, ttl=30)
def _card_problems(folder: str) -> list[str]:
    return [str(p) for p in load_catalog(Path(folder)).problems]


def difficulties() -> list[str]:
    return list(DIFFICULTIES)
