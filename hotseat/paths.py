"""Where persona cards and prompt templates live: one answer for every module.

In order: an environment override (HOTSEAT_PERSONAS_DIR / HOTSEAT_PROMPTS_DIR), the
checkout's top-level `personas/` and `prompts/` when running from a checkout (editable
install, `./run`), else the copy a wheel installs under `<prefix>/share/hotseat/`.
"""

from __future__ import annotations

import os
import sysconfig
from importlib import metadata
from pathlib import Path

PERSONAS_ENV = "HOTSEAT_PERSONAS_DIR"
PROMPTS_ENV = "HOTSEAT_PROMPTS_DIR"
DIST_NAME = "hotseat"
# pyproject's [tool.setuptools.data-files] installs the folders here, below the prefix.
SHARE = ("share", "hotseat")

CHECKOUT_ROOT = Path(__file__).resolve().parents[1]


def _in_checkout(name: str) -> Path | None:
    # site-packages has no pyproject.toml next to the package: that tells the two apart.
    folder = CHECKOUT_ROOT / name
    if (CHECKOUT_ROOT / "pyproject.toml").is_file() and folder.is_dir():
        return folder
    return None


def _installed(name: str) -> Path | None:
    """The folder the wheel installed, found through the distribution's file list."""
    try:
        files = metadata.distribution(DIST_NAME).files or []
    except metadata.PackageNotFoundError:
        files = []
    marker = (*SHARE, name)
    for record in files:
        parts = record.parts
        for i in range(len(parts) - len(marker)):
            if parts[i : i + len(marker)] == marker:
                folder = Path(str(record.locate())).parents[len(parts) - i - len(marker) - 1]
                if folder.is_dir():
                    return folder.resolve()
    # No file list (unusual installers): the prefix this interpreter installs data into.
    folder = Path(sysconfig.get_path("data")).joinpath(*SHARE, name)
    return folder if folder.is_dir() else None


def shipped_dir(name: str) -> Path:
    """`personas` or `prompts` as shipped: the checkout's, else the installed copy.

    When neither exists this still returns the checkout path, so messages name it.
    """
    return _in_checkout(name) or _installed(name) or CHECKOUT_ROOT / name


def personas_dir() -> Path:
    return Path(os.environ.get(PERSONAS_ENV) or shipped_dir("personas"))


def prompts_dir() -> Path:
    return Path(os.environ.get(PROMPTS_ENV) or shipped_dir("prompts"))
