"""How long a sign-in must wait after failures: a pure rule, tested as a table.

The first few wrong passwords cost nothing (typos happen); from then on each failure
doubles the wait, and after LOCKOUT_AFTER failures the account or client is locked for
LOCKOUT_S. A success clears the count. Counts live in the database (store/logins.py).
"""

from __future__ import annotations

from datetime import datetime

FREE_FAILURES = 3
FIRST_DELAY_S = 2.0
MAX_DELAY_S = 60.0
LOCKOUT_AFTER = 10
LOCKOUT_S = 15 * 60.0


def wait_after(failures: int) -> float:
    """Seconds to wait after the last of `failures` consecutive failed attempts."""
    if failures >= LOCKOUT_AFTER:
        return LOCKOUT_S
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (failures - FREE_FAILURES))


def seconds_left(counts: dict[str, tuple[int, datetime]], now: datetime) -> float:
    """The longest wait any of the keys still owes at `now` (0 when none)."""
    left = [wait_after(n) - (now - last).total_seconds() for n, last in counts.values()]
    return max([0.0, *left])
