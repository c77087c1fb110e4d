"""A preview conversation against an edited, unpublished card or customer prompt.

The edited text goes into its own personas folder and the preview sessions into their
own SQLite file, so a trainer's test chats never reach the cohort numbers or the live
cards. Grading uses the fast offline grader; the customer is the configured model.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hotseat import paths
from hotseat.engine import Engine
from hotseat.personas import write_card_dir
from hotseat.settings import Settings
from hotseat.store import Store
from hotseat.studio.prompt_files import write_prompt_dir
from hotseat.studio.trial import trial_digest

PREVIEW_TRAINEE = "trainer-preview"


def preview_folder(
    runs_dir: Path, card_id: str, text: str, prompt_edits: Mapping[str, str] | None = None
) -> Path:
    digest = trial_digest(text, prompt_edits)[:16]
    return Path(runs_dir) / "preview" / f"{card_id}-{digest}"


def preview_engine(
    card_id: str,
    text: str,
    settings: Settings,
    runs_dir: Path,
    personas_dir: Path,
    prompts_dir: Path | None = None,
    prompt_edits: Mapping[str, str] | None = None,
) -> Engine:
    """An engine that knows only this text as card `card_id` (validate it first).

    `prompt_edits` (file name -> text) replace published prompt files in its own copy of
    the prompts folder, so an unpublished customer prompt drives the chat.
    """
    from evaluators.offline import OfflineEvaluator

    prompts_dir = prompts_dir or paths.prompts_dir()
    folder = preview_folder(runs_dir, card_id, text, prompt_edits)
    cards = write_card_dir(folder / "personas", card_id, text, personas_dir)
    if prompt_edits:
        prompts_dir = write_prompt_dir(folder / "prompts", prompts_dir, prompt_edits)
    store = Store(f"sqlite:///{(folder / 'preview.db').resolve()}")
    return Engine(settings, store, OfflineEvaluator(), personas_dir=cards, prompts_dir=prompts_dir)
