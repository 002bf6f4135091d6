"""Screening on the 9 SYNERGY reviews: sysreview's models against ASReview, stopping, speed.

Usage (each step caches its results under ``benchmarks/.cache/``, git-ignored)::

    B=benchmarks/bench_screening.py; P=".venv/bin/python"
    nice -n 10 $P $B embed                       # all-MiniLM-L6-v2 vectors, once per review
    nice -n 10 $P $B simulate --tools asreview svm svm-minilm --seeds 0 1 2 3 4
    $P $B table --tools asreview svm svm-minilm  # prioritisation table (markdown)
    $P $B stopping --tool svm-minilm             # stopping rules on the cached orders
    nice -n 10 $P $B speed --records 100000      # re-ranking time

Data are read with :func:`sysreview.records.read_file`, the reader behind ``sysreview
simulate``, and the text is :func:`~sysreview.screening.prioritise.record_text` of title and
abstract, as in a project. The prior (one relevant and one irrelevant record) is drawn from
the seed by :func:`sysreview.screening.simulation.simulate`; ASReview (installed in its own
venv, ``--asreview-python``) gets the same two row indices through its ``Simulate`` API and
runs its default model ELAS u4, refitting after every decision like sysreview. Both orders
are scored by :func:`sysreview.screening.simulation.metrics`.

Tools: ``asreview`` and every key of :data:`sysreview.screening.prioritise.MODELS`, plus the
experimental variants of :data:`VARIANTS` (settings tried and reported in SCREENING.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "screening" / "synergy"
CACHE = ROOT / "benchmarks" / ".cache"
REVIEWS = [p.stem for p in sorted(DATA.glob("*.csv")) if not p.stem.startswith("_")]

from sysreview.records import read_file  # noqa: E402
from sysreview.screening.prioritise import MODELS, ModelSpec, model_text, record_text  # noqa: E402
from sysreview.screening.simulation import metrics, simulate  # noqa: E402


def _spec(base: str, **changes: object) -> Callable[[], ModelSpec]:
    return lambda: replace(MODELS[base], **changes)  # type: ignore[arg-type]


#: Experimental settings: a ModelSpec, the title weight, and whether to warm-start from
#: the review's question (its publication title, standing in for the protocol's criteria).
VARIANTS: dict[str, tuple[Callable[[], ModelSpec], int, bool]] = {
    "svm-title3": (_spec("svm", name="svm-title3"), 3, False),
    "svm-minilm-w0.5": (
        _spec("svm-minilm", name="svm-minilm-w0.5", embedding_weight=0.5),
        1,
        False,
    ),
    "svm-minilm-w2": (_spec("svm-minilm", name="svm-minilm-w2", embedding_weight=2.0), 1, False),
    "svm-minilm-w0.5-t2": (
        _spec("svm-minilm", name="svm-minilm-w0.5-t2", embedding_weight=0.5),
        2,
        False,
    ),
    "svm+minilm-t2": (_spec("svm+minilm", name="svm+minilm-t2"), 2, False),
    "svm-t2+minilm-2:1": (
        _spec(
            "svm+minilm",
            name="svm-t2+minilm-2:1",
            members=(MODELS["svm-t2"], MODELS["svm+minilm"].members[1]),
            member_weights=(2.0, 1.0),
        ),
        2,
        False,
    ),
    "svm-criteria": (_spec("svm", name="svm-criteria"), 1, True),
    "svm-minilm-criteria": (_spec("svm-minilm", name="svm-minilm-criteria"), 1, True),
}


def question(name: str) -> str:
    """The review's question: its publication title (SYNERGY has no protocol text)."""
    reviews = pd.read_csv(DATA / "_reviews.csv", keep_default_na=False)
    return str(reviews.loc[reviews["review"] == name, "publication_title"].iloc[0])


def question_embedding(name: str) -> np.ndarray:
    path = CACHE / "embeddings" / f"{name}.question.npy"
    if not path.exists():
        from sysreview.screening.embeddings import encode

        np.save(path, encode([question(name)])[0])
    return np.load(path)


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


def load(name: str, title_weight: int = 1) -> tuple[list[str], np.ndarray]:
    """Texts and labels of a review, read as ``sysreview simulate`` reads them.

    The text is :func:`~sysreview.screening.prioritise.record_text` with the model's
    title weight (what :func:`~sysreview.screening.prioritise.model_text` builds).
    """
    citations = read_file(DATA / f"{name}.csv").citations
    texts = [record_text(c.title, c.abstract, title_weight) for c in citations]
    labels = np.array([int(c.raw["label_included"]) for c in citations], dtype=np.int8)
    return texts, labels


def embeddings(name: str) -> np.ndarray:
    """Cached all-MiniLM-L6-v2 vectors of a review (computed by ``embed``)."""
    path = CACHE / "embeddings" / f"{name}.npy"
    if not path.exists():
        raise SystemExit(f"no cached embeddings for {name}: run the 'embed' step first")
    return np.load(path)


def cmd_embed(_: argparse.Namespace) -> None:
    from sysreview.screening.embeddings import encode

    (CACHE / "embeddings").mkdir(parents=True, exist_ok=True)
    for name in REVIEWS:
        path = CACHE / "embeddings" / f"{name}.npy"
        if path.exists():
            continue
        texts, _ = load(name)
        t0 = time.perf_counter()
        vectors = encode(texts)
        np.save(path, vectors)
        print(f"{name}: {len(texts)} records in {time.perf_counter() - t0:.1f} s", flush=True)


def _order_path(tool: str, name: str, seed: int) -> Path:
    return CACHE / "orders" / tool / f"{name}.{seed}.json"


def _save(tool: str, name: str, seed: int, order: list[int], secs: float) -> None:
    path = _order_path(tool, name, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"order": order, "secs": secs}))


def _priors(labels: np.ndarray, seeds: list[int], texts: list[str]) -> dict[str, list[int]]:
    # the same draw simulate() makes: its first two positions
    out = {}
    for s in seeds:
        rng = np.random.default_rng(s)
        out[str(s)] = [
            int(rng.choice(np.flatnonzero(labels == 1))),
            int(rng.choice(np.flatnonzero(labels == 0))),
        ]
    return out


def run_sysreview(tool: str, name: str, seed: int) -> None:
    spec, emb = _model_and_embeddings(tool, name)
    title_weight = VARIANTS[tool][1] if tool in VARIANTS else MODELS[tool].title_weight
    texts, labels = load(name, title_weight)
    criteria = question(name) if tool in VARIANTS and VARIANTS[tool][2] else None
    crit_emb = question_embedding(name) if criteria and emb is not None else None
    t0 = time.perf_counter()
    res = simulate(
        texts,
        labels,
        seed=seed,
        model=spec,
        embeddings=emb,
        criteria=criteria,
        criteria_embedding=crit_emb,
    )
    _save(tool, name, seed, list(res.order), time.perf_counter() - t0)


def run_asreview(python: str, name: str, seeds: list[int]) -> None:
    texts, labels = load(name)
    pri = _priors(labels, seeds, texts)
    with tempfile.TemporaryDirectory() as tmp:
        job, out, script = Path(tmp, "job.json"), Path(tmp, "out.json"), Path(tmp, "run.py")
        job.write_text(
            json.dumps({"csv": str(DATA / f"{name}.csv"), "priors": pri, "ai": "elas_u4"})
        )
        script.write_text(ASREVIEW_SCRIPT)
        t0 = time.perf_counter()
        subprocess.run([python, str(script), str(job), str(out)], check=True, cwd=tmp)
        secs = (time.perf_counter() - t0) / len(seeds)
        orders = json.loads(out.read_text())
    for s in seeds:
        order = orders[str(s)]
        assert order[:2] == pri[str(s)], "ASReview did not start from the same prior"
        rest = [i for i in range(len(labels)) if i not in set(order)]
        _save("asreview", name, s, order + rest, secs)  # unscreened rest: no relevant left


def cmd_simulate(args: argparse.Namespace) -> None:
    for name in args.reviews or REVIEWS:
        for tool in args.tools:
            todo = [s for s in args.seeds if not _order_path(tool, name, s).exists()]
            if not todo:
                continue
            t0 = time.perf_counter()
            if tool == "asreview":
                run_asreview(args.asreview_python, name, todo)
            else:
                for s in todo:
                    run_sysreview(tool, name, s)
            print(f"{name} {tool} seeds {todo}: {time.perf_counter() - t0:.0f} s", flush=True)


def results(tools: list[str], seeds: list[int]) -> pd.DataFrame:
    rows = []
    for name in REVIEWS:
        _, labels = load(name)
        for tool in tools:
            for s in seeds:
                path = _order_path(tool, name, s)
                if not path.exists():
                    continue
                data = json.loads(path.read_text())
                y = labels[np.asarray(data["order"])]
                m = metrics(y.tolist())
                n95 = round((1 - 0.05 - m.wss95) * m.n_records)
                rows.append(
                    {
                        "review": name,
                        "tool": tool,
                        "seed": s,
                        "secs": data["secs"],
                        "to95": n95,
                        **m.__dict__,
                    }
                )
    return pd.DataFrame(rows)


def cmd_table(args: argparse.Namespace) -> None:
    df = results(args.tools, args.seeds)
    df.to_csv(ROOT / "benchmarks" / "screening_results.csv", index=False)
    runs = df.groupby("tool").size().to_dict()
    print(f"seeds {sorted(int(x) for x in df['seed'].unique())}; runs per tool: {runs}\n")
    per = df.groupby(["review", "tool"]).mean(numeric_only=True)
    tools = [t for t in args.tools if t in runs]

    def cell(name: str, tool: str, col: str, scale: float = 100, fmt: str = ".1f") -> str:
        key = (name, tool)
        if key not in per.index:
            return "–"
        return format(scale * per.loc[key, col], fmt)

    print("WSS@95 (%), mean over seeds; Δ = tool − asreview\n")
    print("| Review | N | R | " + " | ".join(tools) + " |")
    print("|---|---:|---:|" + "---:|" * len(tools))
    for name in REVIEWS:
        n, r = per.xs(name, level="review").iloc[0][["n_records", "n_relevant"]]
        print(
            f"| {name} | {n:.0f} | {r:.0f} | "
            + " | ".join(cell(name, t, "wss95") for t in tools)
            + " |"
        )
    means = []
    for t in tools:
        sub = per.xs(t, level="tool")
        full = len(sub) == len(REVIEWS)
        means.append(f"**{100 * sub['wss95'].mean():.1f}**" if full else f"({len(sub)} reviews)")
    print("| **Mean** | | | " + " | ".join(means) + " |")
    if "asreview" in tools:
        base = per.xs("asreview", level="tool")["wss95"]
        diffs = []
        for t in tools:
            d = 100 * (per.xs(t, level="tool")["wss95"] - base).dropna()
            diffs.append(f"{d.mean():+.1f} / {d.min():+.1f}")
        print("| Δ mean / worst review | | | " + " | ".join(diffs) + " |")
    print("\nrecall@10% / recall@20% (%), records to 95% recall / to the last relevant\n")
    print("| Review | " + " | ".join(tools) + " |")
    print("|---|" + "---|" * len(tools))
    for name in REVIEWS:
        cells = [
            f"{cell(name, t, 'recall_10', fmt='.0f')} / {cell(name, t, 'recall_20', fmt='.0f')}"
            f" / {cell(name, t, 'to95', 1, '.0f')} / {cell(name, t, 'records_to_last', 1, '.0f')}"
            for t in tools
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    secs = per.groupby("tool")["secs"].mean()
    print("\nmean seconds per simulation: " + ", ".join(f"{t} {secs[t]:.1f}" for t in tools))


def _first(flags: np.ndarray) -> int | None:
    hit = np.flatnonzero(flags)
    return None if hit.size == 0 else int(hit[0])


def ranked_stop(y: np.ndarray, n: int, threshold: float) -> int | None:
    """First number screened at which the ranked quasi-sampling p falls below threshold."""
    from sysreview.screening.stopping import hypergeometric_p

    for t in range(2, y.size + 1):
        if y[t - 1] == 1:  # p only falls after an irrelevant record
            continue
        if hypergeometric_p(y[:t].tolist(), n) < threshold:
            return t
    return None


def random_phase_stop(y: np.ndarray, t: int, rng: np.random.Generator) -> tuple[int, int]:
    """Screen the records left after ``t`` in random order until the exact test rejects.

    Returns (records screened in all, relevant found in all)."""
    from sysreview.screening.stopping import random_sampling_p

    n = y.size
    rest = rng.permutation(y[t:])
    r_before = int(y[:t].sum())
    for m in range(1, rest.size + 1):
        if rest[m - 1] == 0 and random_sampling_p(n - t, r_before, rest[:m].tolist()) < 0.05:
            return t + m, r_before + int(rest[:m].sum())
    return n, int(y.sum())


def irrelevant_run_stop(y: np.ndarray, run: int, start: int = 0) -> int | None:
    """First number screened at which the last ``run`` records (after start) were irrelevant."""
    zeros = 0
    for t in range(start, y.size):
        zeros = 0 if y[t] else zeros + 1
        if zeros >= run:
            return t + 1
    return None


def safe_phase_a_stop(y: np.ndarray, random_set: list[int], run: int = 50) -> int | None:
    """First number screened at which SAFE's phase A criteria all hold."""
    from sysreview.screening.safe import safe_check

    for t in range(run, y.size + 1):
        if y[t - run : t].any():
            continue
        if safe_check(y[:t].tolist(), y.size, random_set=random_set, run_length=run).met:
            return t
    return None


def evaluate_stopping(name: str, seed: int, second: str | None) -> list[dict[str, object]]:
    """Every stopping rule on one cached simulation (review, seed)."""
    texts, labels = load(name, MODELS[second].title_weight if second in MODELS else 1)
    n, r = labels.size, int(labels.sum())
    order = np.asarray(json.loads(_order_path(STOP_TOOL, name, seed).read_text())["order"])
    y = labels[order]
    found = np.cumsum(y)
    rows: list[dict[str, object]] = []

    def add(rule: str, t: int | None, rel: int | None = None) -> None:
        t = n if t is None else t
        rows.append(
            {
                "review": name,
                "seed": seed,
                "rule": rule,
                "screened": t / n,
                "recall": (int(found[t - 1]) if rel is None else rel) / r,
                "n": n,
                "R": r,
            }
        )

    add("100 irrelevant in a row", irrelevant_run_stop(y, 100))
    add("CMH ranked quasi-sampling", ranked_stop(y, n, 0.05))
    trigger = ranked_stop(y, n, 0.5)
    if trigger is None:
        add("CMH random sampling", n)
    else:
        add("CMH random sampling", *random_phase_stop(y, trigger, np.random.default_rng(seed)))
    # SAFE: phase S is a random 1% of the records (drawn with the seed; counted as screened
    # work but, to reuse the cached order, not fed to the model), then phase A.
    rng = np.random.default_rng(10_000 + seed)
    rand = rng.choice(n, max(1, int(np.ceil(0.01 * n))), replace=False)
    t_a = safe_phase_a_stop(y, labels[rand].tolist())
    t_a = n if t_a is None else t_a

    def with_random_set(t: int, seen: np.ndarray) -> tuple[int, int]:
        extra = sorted(set(rand.tolist()) - set(seen[:t].tolist()))
        return t + len(extra), int(labels[seen[:t]].sum()) + int(labels[extra].sum())

    add("SAFE phase A", *with_random_set(t_a, order))
    if second is not None:
        # phase F: a second model trained on every decision so far ranks the rest
        if t_a < n and found[t_a - 1] < r:
            prefix = order[:t_a].tolist()
            spec, emb = _model_and_embeddings(second, name)
            res = simulate(texts, labels, seed=seed, model=spec, prior=prefix, embeddings=emb)
            order_f = np.asarray(res.order)
            t_f = irrelevant_run_stop(labels[order_f], 50, start=t_a)
            add("SAFE phases A + F", *with_random_set(n if t_f is None else t_f, order_f))
        else:
            t_f = irrelevant_run_stop(y, 50, start=t_a)
            add("SAFE phases A + F", *with_random_set(n if t_f is None else t_f, order))
    return rows


STOP_TOOL = "svm"


def _model_and_embeddings(tool: str, name: str) -> tuple[str | ModelSpec, np.ndarray | None]:
    spec: str | ModelSpec = VARIANTS[tool][0]() if tool in VARIANTS else tool
    needs = spec.needs_embeddings if isinstance(spec, ModelSpec) else MODELS[spec].needs_embeddings
    return spec, embeddings(name) if needs else None


def perfect_ranking_floor(n: int, r: int) -> tuple[float, float]:
    """Least share screened before each test can stop, even with a perfect ranking.

    All ``r`` relevant records come first; then (a) the records left are sampled at random
    and the exact test is applied; (b) the ranked quasi-sampling test runs on the rest of
    the (irrelevant) ranking. Returns the two shares of ``n``.
    """
    from sysreview.screening.stopping import hypergeometric_p, random_sampling_p

    def first(pred: Callable[[int], bool], lo: int, hi: int) -> int:
        while lo < hi:  # smallest m in [lo, hi] with pred(m); pred is monotone
            mid = (lo + hi) // 2
            if pred(mid):
                hi = mid
            else:
                lo = mid + 1
        return lo

    m_random = first(lambda m: random_sampling_p(n - r, r, [0] * m) < 0.05, 1, n - r)
    m_ranked = first(lambda m: hypergeometric_p([1] * r + [0] * m, n) < 0.05, 1, n - r)
    return (r + m_random) / n, (r + m_ranked) / n


def cmd_floor(_: argparse.Namespace) -> None:
    print(
        "| Review | N | R | random sample after a perfect ranking | ranked test, perfect ranking |"
    )
    print("|---|---:|---:|---:|---:|")
    shares = []
    for name in REVIEWS:
        _, labels = load(name)
        n, r = labels.size, int(labels.sum())
        a, b = perfect_ranking_floor(n, r)
        shares.append((a, b))
        print(f"| {name} | {n} | {r} | {100 * a:.1f}% | {100 * b:.1f}% |")
    mean = np.mean(shares, axis=0)
    print(f"| **Mean** | | | **{100 * mean[0]:.1f}%** | **{100 * mean[1]:.1f}%** |")


def cmd_stopping(args: argparse.Namespace) -> None:
    global STOP_TOOL
    STOP_TOOL = args.tool
    rows = []
    for name in REVIEWS:
        for s in args.seeds:
            if _order_path(args.tool, name, s).exists():
                rows += evaluate_stopping(name, s, args.second_model)
        print(f"done {name}", file=sys.stderr, flush=True)
    df = pd.DataFrame(rows)
    df.to_csv(CACHE / f"stopping_{args.tool}.csv", index=False)
    summarise_stopping(df)


def summarise_stopping(df: pd.DataFrame) -> None:
    rules = list(dict.fromkeys(df["rule"]))
    print("| Review | N | R | " + " | ".join(f"{r}: screened / min recall" for r in rules) + " |")
    print("|---|---:|---:|" + "---|" * len(rules))
    for name, g in df.groupby("review", sort=False):
        cells = []
        for rule in rules:
            h = g[g["rule"] == rule]
            cells.append(f"{100 * h['screened'].mean():.0f}% / {100 * h['recall'].min():.0f}%")
        print(f"| {name} | {g['n'].iloc[0]} | {g['R'].iloc[0]} | " + " | ".join(cells) + " |")
    cells = []
    for rule in rules:
        h = df[df["rule"] == rule]
        miss = int((h["recall"] < 0.95).sum())
        cells.append(
            f"**{100 * h['screened'].mean():.0f}%** / {100 * h['recall'].min():.0f}% "
            f"({miss} of {len(h)} runs < 95%)"
        )
    print("| **All** | | | " + " | ".join(cells) + " |")


def cmd_speed(args: argparse.Namespace) -> None:
    """Time Prioritiser.rank on a large corpus (features built once, as the queue keeps them)."""
    from sysreview.screening.prioritise import Prioritiser

    titles, abstracts, included = [], [], []
    for name in REVIEWS:
        for c in read_file(DATA / f"{name}.csv").citations:
            titles.append(c.title)
            abstracts.append(c.abstract)
            included.append(int(c.raw["label_included"]))
    rng = np.random.default_rng(0)
    n = args.records
    # each record: the title of one SYNERGY record and the abstract of another; it is
    # relevant when the title's record was included in its review (labels follow text)
    ti, ab = rng.integers(0, len(titles), n), rng.integers(0, len(titles), n)
    truth = np.asarray(included)[ti]
    emb = rng.standard_normal((n, 384)).astype(np.float32)  # timing only: values irrelevant
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    for model in args.models:
        t0 = time.perf_counter()
        texts = [model_text(model, titles[i], abstracts[j]) for i, j in zip(ti, ab, strict=True)]
        p = Prioritiser(texts, model=model, embeddings=emb)
        built = time.perf_counter() - t0
        print(
            f"{model}: build once for {n} records: {built:.1f} s "
            f"({p.matrix.shape[1]} TF-IDF features)",
            flush=True,
        )
        for n_seen in args.screened:
            labels: list[int | None] = [None] * n
            for i in rng.choice(n, n_seen, replace=False):
                labels[i] = int(truth[i])
            wall, cpu = [], []
            for _ in range(args.repeats):
                t0, c0 = time.perf_counter(), time.process_time()
                p.rank(labels)
                wall.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            print(
                f"  rank with {n_seen} screened: median wall {np.median(wall):.3f} s, "
                f"CPU {np.median(cpu):.3f} s (load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("embed")
    p = sub.add_parser("simulate")
    p.add_argument("--tools", nargs="+", default=["asreview", "svm"])
    p.add_argument("--reviews", nargs="+", default=None, help="default: all nine")
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    p.add_argument(
        "--asreview-python", default=str(ROOT / "benchmarks" / ".asreview-venv" / "bin" / "python")
    )
    p = sub.add_parser("table")
    p.add_argument("--tools", nargs="+", default=["asreview", "svm"])
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    sub.add_parser("floor")
    p = sub.add_parser("speed")
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--models", nargs="+", default=["svm", "svm-minilm"])
    p.add_argument("--screened", nargs="+", type=int, default=[1_000, 10_000, 30_000])
    p.add_argument("--repeats", type=int, default=3)
    p = sub.add_parser("stopping")
    p.add_argument("--tool", default="svm")
    p.add_argument("--second-model", default=None, help="SAFE phase F model (a tool name)")
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    args = ap.parse_args()
    commands = {
        "embed": cmd_embed,
        "simulate": cmd_simulate,
        "table": cmd_table,
        "stopping": cmd_stopping,
        "floor": cmd_floor,
        "speed": cmd_speed,
    }
    commands[args.cmd](args)


if __name__ == "__main__":
    main()
