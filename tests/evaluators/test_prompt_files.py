"""The judge's and coach's prompt files: read from the prompts folder as it is now."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from evaluators.prompts import load
from hotseat.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_a_published_edit_takes_effect_without_a_restart(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", folder)
    monkeypatch.setenv("HOTSEAT_PROMPTS_DIR", str(folder))
    assert load("judge.md") == (ROOT / "prompts" / "judge.md").read_text(encoding="utf-8")
    path = folder / "judge.md"
    path.write_text("Edited rubric.\n", encoding="utf-8")
    stat = path.stat()  # same-second writes: make sure the mtime moved
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load("judge.md") == "Edited rubric.\n"


def test_a_missing_prompt_names_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOTSEAT_PROMPTS_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match=r"judge\.md cannot be read"):
        load("judge.md")
