"""Where the studio reads and publishes cards and prompts, and where it keeps its runs.

Folders come from the environment so a test (or a trainer's sandbox) can point the
studio at a copy and never touch the repository's `personas/` and `prompts/`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hotseat.paths import PERSONAS_ENV, PROMPTS_ENV, personas_dir, prompts_dir

RUNS_ENV = "HOTSEAT_STUDIO_RUNS"
__all__ = ["PERSONAS_ENV", "PROMPTS_ENV", "RUNS_ENV", "personas_dir", "prompts_dir", "runs_dir"]


def runs_dir() -> Path:
    """Realism-check output folders; one per card version, so a rerun resumes."""
    default = Path(tempfile.gettempdir()) / "hotseat-studio-runs"
    return Path(os.environ.get(RUNS_ENV) or default)
