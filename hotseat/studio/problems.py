"""Problems found in an edited persona card or prompt file, shown as `line N: field: message`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


def excerpt(text: str, line: int, around: int = 2) -> str:
    """The lines around `line` (1-based), numbered, the problem's line marked with ">":
    the editor has no line numbers, so the error shows where it is."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    first, last = max(1, line - around), min(len(lines), line + around)
    width = len(str(last))
    return "\n".join(
        f"{'>' if n == line else ' '} {n:>{width}} | {lines[n - 1]}" for n in range(first, last + 1)
    )
