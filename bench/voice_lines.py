"""Customer lines from simulate runs, labelled by reading, and the voice checker scored on them.

  extract RUN_DIR NAME OUT.jsonl   every generated customer line of a `hotseat simulate`
                                   folder, with what it answered, ready to label (no
                                   checker output is written into the file)
  score LABELLED.jsonl             the defect rate that reached the trainee, split by run
                                   (before / after a change) and by who wrote the line
                                   (the model, or the card: as written or as fallback),
                                   and the checker's precision and recall against the
                                   hand labels on the lines the model wrote

Run: .venv/bin/python bench/voice_lines.py score bench/data/customer_lines.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hotseat.engine.checks import sentence_problem  # noqa: E402
from hotseat.engine.customer_lines import line_rules  # noqa: E402
from hotseat.engine.prompts import load_prompts  # noqa: E402
from hotseat.engine.release import split_sentences  # noqa: E402
from hotseat.personas import get_card  # noqa: E402


def extract(run_dir: Path, name: str) -> list[dict[str, Any]]:
    rows = []
    for line in (run_dir / "conversations.jsonl").read_text("utf-8").splitlines():
        conv = json.loads(line)
        turns = conv["turns"]
        for i, turn in enumerate(turns):
            if turn["role"] != "customer" or turn["index"] == 0:
                continue
            before = turns[:i]
            agent = [t["text"] for t in before if t["role"] == "agent"]
            rows.append(
                {
                    "id": f"{name}/{conv['persona']}/{conv['bot']}/{conv['seed']}/{turn['index']}",
                    "run": name,
                    "persona": conv["persona"],
                    "bot": conv["bot"],
                    "difficulty": conv["difficulty"],
                    "intent": turn.get("intent"),
                    "agent_history": agent[:-1],
                    "agent": agent[-1] if agent else "",
                    "earlier": [t["text"] for t in before if t["role"] == "customer"],
                    "line": turn["text"],
                    "fallback": "fallback" in (turn.get("problems") or []),
                    "as_written": "as_written" in (turn.get("problems") or []),
                }
            )
    return rows


def verdict(row: dict[str, Any]) -> str | None:
    """The checker's first defect on this line (None: it would pass), as it runs live."""
    prompts = load_prompts()
    card = get_card(row["persona"], row.get("difficulty", "standard"))
    rules = line_rules(
        prompts,
        card,
        row["intent"] or "vent",
        [*row["agent_history"], row["agent"]],
        row["earlier"],
        embedded=True,
    )
    for n, sentence in enumerate(split_sentences([row["line"]])):
        problem = sentence_problem(sentence, row["intent"] or "vent", rules, first=n == 0)
        if problem is not None:
            return problem
    return None


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_run: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        # The checker was tuned on the "dev" rows only: they are reported apart.
        by_run[f"{r['run']} / {r.get('split', 'all')}"].append(r)
    out: dict[str, Any] = {}
    for run, rs in sorted(by_run.items()):
        tp = fp = fn = tn = 0
        missed: Counter[str] = Counter()
        # The checker judges what the model wrote; the card's lines were never put to it.
        for r in (r for r in rs if _made_by(r) == "model"):
            flagged = verdict(r) is not None
            bad = r["label"] == "defective"
            tp += flagged and bad
            fp += flagged and not bad
            fn += bad and not flagged
            tn += not flagged and not bad
            if bad and not flagged:
                missed.update(r.get("kinds") or ["unspecified"])
        defective = [r for r in rs if r["label"] == "defective"]
        out[run] = {
            "lines": len(rs),
            "defective": len(defective),
            "defect_rate": round(len(defective) / len(rs), 4) if rs else None,
            "defect_kinds": dict(Counter(k for r in defective for k in r.get("kinds") or [])),
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
            "missed_kinds": dict(missed),
            "by_maker": _by_maker(rs),
        }
    return out


def _made_by(row: dict[str, Any]) -> str:
    if row.get("as_written"):
        return "card, as written"
    return "card, fallback" if row.get("fallback") else "model"


def _by_maker(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Lines and defects by who wrote the line the trainee read."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"lines": 0, "defective": 0})
    for r in rows:
        tally = out[_made_by(r)]
        tally["lines"] += 1
        tally["defective"] += r["label"] == "defective"
    return dict(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("extract")
    ex.add_argument("run_dir", type=Path)
    ex.add_argument("name")
    ex.add_argument("out", type=Path)
    sc = sub.add_parser("score")
    sc.add_argument("labelled", type=Path)
    args = parser.parse_args()
    if args.cmd == "extract":
        rows = extract(args.run_dir, args.name)
        with args.out.open("a", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{len(rows)} lines -> {args.out}")
    else:
        rows = [json.loads(x) for x in args.labelled.read_text("utf-8").splitlines() if x.strip()]
        print(json.dumps(score(rows), indent=2))


if __name__ == "__main__":
    main()
