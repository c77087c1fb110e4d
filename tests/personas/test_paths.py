"""Where cards and prompts are read from, and `hotseat personas list` when there are none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hotseat import paths
from hotseat.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_a_checkout_reads_its_own_folders() -> None:
    assert paths.personas_dir() == ROOT / "personas"
    assert paths.prompts_dir() == ROOT / "prompts"


def test_environment_overrides_are_read_when_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOTSEAT_PERSONAS_DIR", str(tmp_path / "cards"))
    monkeypatch.setenv("HOTSEAT_PROMPTS_DIR", str(tmp_path / "prompts"))
    assert paths.personas_dir() == tmp_path / "cards"
    assert paths.prompts_dir() == tmp_path / "prompts"


def test_outside_a_checkout_without_an_install_the_path_still_names_the_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(paths, "CHECKOUT_ROOT", tmp_path)
    monkeypatch.setattr(paths, "DIST_NAME", "hotseat-not-installed-anywhere")
    monkeypatch.setattr(paths, "SHARE", ("share", "hotseat-not-installed-anywhere"))
    assert paths.shipped_dir("personas") == tmp_path / "personas"


def test_list_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()
    shutil.copy(ROOT / "personas/card-fraud.yaml", folder)
    monkeypatch.setenv("HOTSEAT_PERSONAS_DIR", str(folder))
    assert main(["personas", "list"]) == 0
    assert capsys.readouterr().out.split("\t")[0] == "card-fraud"


@pytest.mark.parametrize("how", ["flag", "env"])
def test_list_without_cards_fails_with_the_folder_named(
    how: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    if how == "env":
        monkeypatch.setenv("HOTSEAT_PERSONAS_DIR", str(missing))
        args = ["personas", "list", "--json"]
    else:
        args = ["personas", "--personas-dir", str(missing), "list"]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"no persona cards (*.yaml) in {missing} (no such folder)" in captured.err
    assert "HOTSEAT_PERSONAS_DIR" in captured.err


def test_list_with_only_broken_cards_fails_after_naming_the_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "half.yaml").write_text("id: half\n")
    assert main(["personas", "--personas-dir", str(tmp_path), "list"]) == 1
    err = capsys.readouterr().err
    assert "skipped" in err and "half.yaml" in err
    assert f"no valid persona cards in {tmp_path}." in err
