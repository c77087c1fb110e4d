"""Where the studio reads and publishes cards and prompts, and where it keeps its runs.

Folders come from the environment so a test (or a trainer's sandbox) can point the
studio at a copy and never touch the repository's `personas/` and `prompts/`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hotseat.engine.prompts import DEFAULT_PROMPTS_DIR
from hotseat.personas import DEFAULT_PERSONAS_DIR

PERSONAS_ENV = "HOTSEAT_PERSONAS_DIR"
PROMPTS_ENV = "HOTSEAT_PROMPTS_DIR"
RUNS_ENV = "HOTSEAT_STUDIO_RUNS"


def personas_dir() -> Path:
    return Path(os.environ.get(PERSONAS_ENV) or DEFAULT_PERSONAS_DIR)


def prompts_dir() -> Path:
    return Path(os.environ.get(PROMPTS_ENV) or DEFAULT_PROMPTS_DIR)


def runs_dir() -> Path:
    """Realism-check output folders; one per card version, so a rerun resumes."""
    default = Path(tempfile.gettempdir()) / "hotseat-studio-runs"
    return Path(os.environ.get(RUNS_ENV) or default)
