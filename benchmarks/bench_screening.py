"""Screening prioritisation on the 9 SYNERGY reviews: sysreview vs ASReview, and speed.

Usage::

    .venv/bin/python benchmarks/bench_screening.py                       # all parts
    .venv/bin/python benchmarks/bench_screening.py --models svm nb --seeds 0 1 2
    .venv/bin/python benchmarks/bench_screening.py --asreview-python /tmp/asr/bin/python
    .venv/bin/python benchmarks/bench_screening.py --skip-sim                 # speed only

Accuracy: every review in ``../shared/data/screening/synergy/`` is simulated with
:func:`sysreview.screening.simulate.simulate` (refit after every decision) for each model
and seed. The prior (one relevant and one irrelevant record) is drawn from the seed by
sysreview and handed, as the same row indices, to ASReview's ``Simulate`` API (its
default "ELAS u4" model, same refit-after-every-decision loop), run in a separate venv
given by ``--asreview-python``. Both orders are scored by the same
:func:`sysreview.screening.simulate.metrics` (WSS@95, recall@10%, recall@20%, records to
the last relevant; priors count as screened). ASReview stops at the last relevant record;
the unscreened rest cannot change any metric and is padded with zeros.

Speed: a 10,000-record corpus (all 7,234 SYNERGY records plus 2,766 re-drawn ones) is
vectorised once; then ``Prioritiser.rank`` is timed with 500, 5,000 and 9,000 screened
records. See SCREENING.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "screening" / "synergy"
REVIEWS = [p.stem for p in sorted(DATA.glob("*.csv")) if not p.stem.startswith("_")]

from sysreview.screening.prioritise import Prioritiser, record_text  # noqa: E402
from sysreview.screening.simulate import _prior, metrics, simulate  # noqa: E402

ASREVIEW_SCRIPT = r"""
import json, sys, numpy as np, pandas as pd
from asreview.learner import ActiveLearningCycle
from asreview.models.models import get_ai_config
from asreview.models.queriers import TopDown
from asreview.models.stoppers import IsFittable
from asreview.simulation.simulate import Simulate
job = json.load(open(sys.argv[1]))
df = pd.read_csv(job["csv"], keep_default_na=False)
X = pd.DataFrame({"title": df["title"], "abstract": df["abstract"]})
out = {}
for seed, prior in job["priors"].items():
    np.random.seed(int(seed))
    cycles = [ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()),
              ActiveLearningCycle.from_meta(get_ai_config(job["ai"])["value"])]
    sim = Simulate(X, df["label_included"].to_numpy(), cycles, print_progress=False)
    sim.label(prior)
    sim.review()
    out[seed] = [int(i) for i in sim._results["record_id"]]
json.dump(out, open(sys.argv[2], "w"))
"""


def load(name: str) -> tuple[list[str], np.ndarray]:
    df = pd.read_csv(DATA / f"{name}.csv", keep_default_na=False)
    texts = [record_text(t, a) for t, a in zip(df["title"], df["abstract"], strict=True)]
    return texts, df["label_included"].to_numpy(dtype=np.int8)


def priors(labels: np.ndarray, seeds: list[int]) -> dict[str, list[int]]:
    return {str(s): _prior(labels, "one_each", np.random.default_rng(s)) for s in seeds}


def run_asreview(python: str, name: str, pri: dict[str, list[int]], ai: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        job, out, script = Path(tmp, "job.json"), Path(tmp, "out.json"), Path(tmp, "run.py")
        job.write_text(json.dumps({"csv": str(DATA / f"{name}.csv"), "priors": pri, "ai": ai}))
        script.write_text(ASREVIEW_SCRIPT)
        subprocess.run([python, str(script), str(job), str(out)], check=True, cwd=tmp)
        return json.loads(out.read_text())


def accuracy(models: list[str], seeds: list[int], asr_python: str | None, ai: str) -> None:
    rows = []
    for name in REVIEWS:
        texts, labels = load(name)
        pri = priors(labels, seeds)
        for model in models:
            for s in seeds:
                t0 = time.perf_counter()
                res = simulate(texts, labels, seed=s, model=model)
                m = res.metrics()
                rows.append(
                    {
                        "review": name,
                        "tool": f"sysreview-{model}",
                        "seed": s,
                        "secs": time.perf_counter() - t0,
                        **m.__dict__,
                    }
                )
                assert list(res.order[:2]) == pri[str(s)]
        if asr_python:
            t0 = time.perf_counter()
            orders = run_asreview(asr_python, name, pri, ai)
            secs = (time.perf_counter() - t0) / len(seeds)
            for s in seeds:
                order = orders[str(s)]
                assert order[:2] == pri[str(s)]
                y = list(labels[order]) + [0] * (len(labels) - len(order))
                rows.append(
                    {
                        "review": name,
                        "tool": f"asreview-{ai}",
                        "seed": s,
                        "secs": secs,
                        **metrics(y).__dict__,
                    }
                )
        print(f"done {name}", file=sys.stderr, flush=True)
    df = pd.DataFrame(rows)
    df.to_csv(ROOT / "benchmarks" / "screening_results.csv", index=False)
    per = df.groupby(["review", "tool"])[
        ["wss95", "recall_10", "recall_20", "records_to_last", "secs"]
    ].mean()
    with pd.option_context("display.width", 200, "display.max_rows", 200):
        print((per * [100, 100, 100, 1, 1]).round(1).unstack("tool").to_string())
        print("\nmean over reviews:")
        print((per.groupby("tool").mean() * [100, 100, 100, 1, 1]).round(1).to_string())


def speed(model: str) -> None:
    texts: list[str] = []
    for name in REVIEWS:
        texts += load(name)[0]
    rng = np.random.default_rng(0)
    texts += [texts[i] for i in rng.integers(0, len(texts), 10_000 - len(texts))]
    t0 = time.perf_counter()
    p = Prioritiser(texts, model=model)
    print(
        f"{model}: vectorise 10,000 records once: {time.perf_counter() - t0:.2f} s "
        f"({p.matrix.shape[1]} features)"
    )
    for n_seen in (500, 5_000, 9_000):
        labels: list[int | None] = [None] * 10_000
        seen = rng.choice(10_000, n_seen, replace=False)
        for k, i in enumerate(seen):
            labels[i] = 1 if k % 20 == 0 else 0
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            p.rank(labels)
            times.append(time.perf_counter() - t0)
        print(
            f"{model}: rank with {n_seen} screened: median {np.median(times):.3f} s, "
            f"max {max(times):.3f} s"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["svm", "nb"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--asreview-python", default="/tmp/asr/bin/python")
    ap.add_argument("--asreview-ai", default="elas_u4")
    ap.add_argument("--skip-sim", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    args = ap.parse_args()
    asr = args.asreview_python if Path(args.asreview_python).exists() else None
    if asr is None:
        print(f"ASReview not found at {args.asreview_python}: sysreview only", file=sys.stderr)
    if not args.skip_speed:
        for model in args.models:
            speed(model)
    if not args.skip_sim:
        accuracy(args.models, args.seeds, asr, args.asreview_ai)


if __name__ == "__main__":
    main()
