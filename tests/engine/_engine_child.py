"""Child process for the engine kill test: start a session, submit a reply, then wait on
the customer's line (the parent makes the server hang and kills this process).

Usage: python _engine_child.py BASE_URL DB_URL
Prints the session id, then "submitted" once submit() has returned (i.e. committed).
"""

from __future__ import annotations

import sys

from hotseat.engine import Engine
from hotseat.settings import load_settings
from hotseat.store import Store
from tests.engine.helpers import ScriptedEvaluator


def main(base_url: str, db_url: str) -> None:
    settings = load_settings(
        overrides={
            "provider": "compatible",
            "base_url": base_url,
            "api_key": "test-key",
            "timeout_s": 120.0,
            "max_retries": 0,
            "db_url": db_url,
        },
        environ={},
    )
    with Store(db_url) as store:
        engine = Engine(settings, store, ScriptedEvaluator())
        session_id = engine.start("ann", "double-charge").session_id
        print(session_id, flush=True)
        engine.submit(session_id, "I will refund the duplicate today.")
        print("submitted", flush=True)
        engine.say_customer(session_id)  # hangs until killed


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
