"""The one resumable result-file writer that `grade` and `simulate` share."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from hotseat.resumable import AppendLog, read_jsonl, repair_torn_tail, replace_atomically


def test_appends_are_whole_lines_and_a_torn_tail_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    log = AppendLog(path)
    for i in range(3):
        log.append({"i": i, "text": "ünïcode"})
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"i": 3, "te')  # a kill mid-write
    assert repair_torn_tail(path) == len('{"i": 3, "te')
    assert [r["i"] for r in read_jsonl(path)] == [0, 1, 2]
    assert AppendLog(path).repaired_bytes == 0  # already whole


def test_a_spec_is_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    spec = tmp_path / "run.json"
    replace_atomically(spec, json.dumps({"v": 1}))
    replace_atomically(spec, json.dumps({"v": 2}))
    assert json.loads(spec.read_text()) == {"v": 2}
    assert not (tmp_path / "run.json.tmp").exists()


def test_a_killed_writer_leaves_only_whole_rows(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
        from pathlib import Path
        from hotseat.resumable import AppendLog
        log = AppendLog(Path({str(path)!r}))
        i = 0
        while True:
            log.append({{"i": i, "pad": "x" * 5000}})
            i += 1
            if i == 20:
                print("ready", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    repair_torn_tail(path)
    rows = read_jsonl(path)
    assert len(rows) >= 20 and [r["i"] for r in rows] == list(range(len(rows)))
    assert path.read_bytes().endswith(b"\n")
