"""Benchmark: pooling 2,000 analyses, sysreview against metafor, in process and as processes.

Generates ``--analyses`` continuous analyses (k uniform in 5..40 studies, per-arm
means/SDs/Ns) deterministically from ``--seed`` into a temporary directory. Per tau²
estimator (DL, REML) it measures two things, alternating the two tools ``--repeats`` times:

1. **In process** (the throughput of the pooling itself; target >= 50x):
   ``sysreview.pool_table(frame, by="analysis", measure="MD", tau2_method=EST,
   convention="metafor")`` on the table read by ``pandas.read_csv``, timed with
   ``time.perf_counter`` in this process (median of 5 calls per round, after a warm-up
   call), against metafor's loop ``escalc(measure="MD")`` + ``rma(yi, vi, method=EST)``
   over the same analyses (``split`` included), timed with ``proc.time()`` inside R after
   ``library(metafor)``, ``read.csv`` and a warm-up over 20 analyses. Start-up and data
   reading are outside both timings. sysreview's call does more than ``rma``: each
   result also holds the study weights, the prediction interval and Q-profile
   confidence limits for tau², I² and H² (metafor's ``weights``, ``predict`` and
   ``confint``, which the loop does not call). The same is then timed from the file:
   ``pool_table(path)`` (the CSV read by the reader ``sysreview pool`` uses) against
   ``read.csv`` (timed in R) + the loop.
2. **Whole processes** (start-up and imports included; the earlier measure, target >= 20x):
   ``sysreview pool DATA.csv --by analysis --measure MD --tau2 EST --convention metafor
   --format json`` against ``Rscript bench.R``, which loads metafor and runs ``escalc`` +
   ``rma`` for every analysis and writes what the JSON holds: each study's estimate, SE,
   CI and weight, and the pooled estimate, SE, CI, z, p, tau², I², H², Q, df, p(Q) and
   prediction interval (``weights()``, ``predict()``).

Untimed warm-up runs fill the page cache and provide the cross-check: the largest
absolute difference of the pooled estimate, its SE and tau² between metafor and
sysreview (the command's JSON and the library's result), so the timings compare like
with like. For REML it is shown twice: against metafor's defaults (convergence threshold
1e-5 on tau², so differences of ~1e-5 are metafor's) and against metafor run with
threshold 1e-12. Analyses where metafor's Fisher scoring does not converge are refit in
R with ``control=list(stepadj=0.5)`` (metafor's documented remedy), in the timed loop
too, and counted.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_pool.py --help``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ESTIMATORS = ("DL", "REML")
TARGET_IN_PROCESS = 50.0
TARGET_RATIO = 20.0
CALLS_PER_ROUND = 5
STRICT_THRESHOLD = "1e-12"
INSTALL_HINT = "apt-get install -y r-cran-metafor r-cran-metadat"

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(metafor))
d <- read.csv(args[1], stringsAsFactors = FALSE)
method <- args[2]
# optional 4th argument: a tighter convergence threshold (cross-check only, never timed)
ctrl <- if (length(args) >= 4) list(threshold = as.numeric(args[4]), maxiter = 1000) else list()
groups <- split(d, factor(d$analysis, levels = unique(d$analysis)))
pooled <- character(length(groups))
studies <- vector("list", length(groups))
crit <- qnorm(0.975)
for (i in seq_along(groups)) {
  a <- names(groups)[i]
  g <- groups[[i]]
  es <- escalc(measure = "MD", m1i = mean_e, sd1i = sd_e, n1i = n_e,
               m2i = mean_c, sd2i = sd_c, n2i = n_c, data = g)
  retried <- 0L
  fit <- tryCatch(rma(yi, vi, data = es, method = method, control = ctrl),
                  error = function(e) NULL)
  if (is.null(fit)) {  # Fisher scoring diverged: metafor's documented remedy
    retried <- 1L
    fit <- tryCatch(rma(yi, vi, data = es, method = method,
                        control = modifyList(ctrl, list(stepadj = 0.5, maxiter = 1000))),
                    error = function(e) NULL)
  }
  if (is.null(fit)) {
    pooled[i] <- sprintf("%s,NA,NA,NA,%d,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA", a, retried)
    next
  }
  # the same content as `sysreview pool --format json`: per study and pooled
  sei <- sqrt(es$vi)
  studies[[i]] <- sprintf("%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g", a, g$study, es$yi, sei,
                          es$yi - crit * sei, es$yi + crit * sei, weights(fit))
  pr <- predict(fit)
  pooled[i] <- sprintf(
    "%s,%.17g,%.17g,%.17g,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%.17g,%.17g,%.17g",
    a, as.numeric(fit$b), fit$se, fit$tau2, retried, fit$ci.lb, fit$ci.ub, fit$zval, fit$pval,
    fit$I2, fit$H2, fit$QE, fit$k - 1L, fit$QEp, pr$pi.lb, pr$pi.ub)
}
writeLines(c(paste0("analysis,estimate,se,tau2,retried,ci_low,ci_high,z,p,i2,h2,q,df,p_q,",
                    "pi_low,pi_high"), pooled), args[3])
writeLines(c("analysis,study,estimate,se,ci_low,ci_high,weight", unlist(studies)),
           paste0(args[3], ".studies.csv"))
"""


R_LOOP = r"""
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(metafor))
invisible(read.csv(args[1], stringsAsFactors = FALSE))  # warm-up, untimed
start <- proc.time()
d <- read.csv(args[1], stringsAsFactors = FALSE)
read_seconds <- (proc.time() - start)[["elapsed"]]
method <- args[2]
fit_all <- function(d) {
  groups <- split(d, factor(d$analysis, levels = unique(d$analysis)))
  fits <- vector("list", length(groups))
  for (i in seq_along(groups)) {
    es <- escalc(measure = "MD", m1i = mean_e, sd1i = sd_e, n1i = n_e,
                 m2i = mean_c, sd2i = sd_c, n2i = n_c, data = groups[[i]])
    fit <- tryCatch(rma(yi, vi, data = es, method = method), error = function(e) NULL)
    if (is.null(fit))  # Fisher scoring diverged: metafor's documented remedy
      fit <- tryCatch(rma(yi, vi, data = es, method = method,
                          control = list(stepadj = 0.5, maxiter = 1000)),
                      error = function(e) NULL)
    fits[[i]] <- fit
  }
  fits
}
invisible(fit_all(d[d$analysis %in% unique(d$analysis)[1:20], ]))  # warm-up, untimed
start <- proc.time()
fits <- fit_all(d)
cat(sprintf("%.6f %.6f %d\n", (proc.time() - start)[["elapsed"]], read_seconds,
            sum(vapply(fits, is.null, TRUE))))
"""
"""metafor's escalc + rma loop, timed inside R: prints the loop's seconds, the seconds of
``read.csv`` and the number of analyses it could not fit."""


def generate(path: Path, analyses: int, seed: int) -> int:
    """Write the benchmark CSV; return the total number of study rows."""
    rng = np.random.default_rng(seed)
    rows = 0
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["analysis", "study", "mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c"])
        for a in range(analyses):
            k = int(rng.integers(5, 41))
            mu = rng.normal(0.0, 5.0)
            tau = rng.uniform(0.0, 3.0)
            n_e = rng.integers(10, 301, size=k)
            n_c = rng.integers(10, 301, size=k)
            sd_e = rng.uniform(5.0, 20.0, size=k)
            sd_c = sd_e * rng.uniform(0.8, 1.25, size=k)
            mean_c = rng.normal(50.0, 10.0, size=k) + rng.normal(0.0, sd_c / np.sqrt(n_c))
            delta = rng.normal(mu, tau, size=k)
            mean_e = mean_c + delta + rng.normal(0.0, sd_e / np.sqrt(n_e))
            for i in range(k):
                out.writerow(
                    [
                        f"a{a:05d}",
                        f"study {i + 1}",
                        f"{mean_e[i]:.4f}",
                        f"{sd_e[i]:.4f}",
                        int(n_e[i]),
                        f"{mean_c[i]:.4f}",
                        f"{sd_c[i]:.4f}",
                        int(n_c[i]),
                    ]
                )
            rows += k
    return rows


def sysreview_cmd(exe: Path, data: Path, estimator: str) -> list[str]:
    return [
        str(exe), "pool", str(data), "--by", "analysis", "--measure", "MD",
        "--model", "random", "--tau2", estimator, "--convention", "metafor", "--format", "json",
    ]  # fmt: skip


def r_cmd(
    script: Path, data: Path, estimator: str, out: Path, threshold: str | None = None
) -> list[str]:
    cmd = ["Rscript", "--vanilla", str(script), str(data), estimator, str(out)]
    return cmd if threshold is None else [*cmd, threshold]


CPU_TIMES: dict[tuple[str, ...], list[float]] = {}
"""CPU time (user + system, the process and its children) of every run, per command."""


def run(cmd: list[str], stdout: Path) -> float:
    """Run ``cmd`` with stdout to a file; return its wall time in seconds.

    Its CPU time is appended to :data:`CPU_TIMES` under the command.
    """
    with stdout.open("wb") as handle:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=handle, stderr=subprocess.PIPE, check=False)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU_TIMES.setdefault(tuple(cmd), []).append(cpu)
    return elapsed


def metafor_available() -> tuple[bool, str]:
    if shutil.which("Rscript") is None:
        return False, "Rscript not found on PATH"
    probe = subprocess.run(
        ["Rscript", "--vanilla", "-e", 'cat(as.character(packageVersion("metafor")))'],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return False, "R package metafor is not installed"
    return True, probe.stdout.strip()


Row = tuple[float, float, float, int]  # estimate, se, tau2, retried (metafor only)


def _float(value: str | float | None) -> float:
    """A JSON number or R CSV field as a float; ``null`` and ``NA`` become NaN."""
    return float("nan") if value is None or value == "NA" else float(value)


def read_sysreview(path: Path) -> dict[str, Row]:
    records = json.loads(path.read_text())
    return {
        r["analysis"]: (_float(r["estimate"]), _float(r["se"]), _float(r["tau2"]), 0)
        for r in records
    }


def read_metafor(path: Path) -> dict[str, Row]:
    with path.open(newline="") as handle:
        return {
            row["analysis"]: (
                _float(row["estimate"]),
                _float(row["se"]),
                _float(row["tau2"]),
                int(row["retried"]),
            )
            for row in csv.DictReader(handle)
        }


def cross_check(a: dict[str, Row], b: dict[str, Row], title: str) -> None:
    """Print the largest differences between two tools' pooled results (``b``: metafor's)."""
    if a.keys() != b.keys():
        sys.exit(f"{title}: the tools returned different analyses")
    labels = sorted(a)
    x = np.array([a[k][:3] for k in labels], dtype=float)
    y = np.array([b[k][:3] for k in labels], dtype=float)
    retried = np.array([b[k][3] for k in labels], dtype=bool)
    ok = ~np.isnan(x).any(axis=1) & ~np.isnan(y).any(axis=1)
    notes = [f"{ok.sum()} of {len(labels)} analyses compared"]
    if retried.any():
        notes.append(f"{retried.sum()} refit by metafor with stepadj=0.5 after non-convergence")
    print(f"  {title} ({'; '.join(notes)}):")
    for name, mask in (("fit", ok & ~retried), ("refit", ok & retried)):
        if mask.any():
            d = np.abs(x[mask] - y[mask]).max(axis=0)
            print(f"    {name:<5} max |diff| estimate {d[0]:.2e}, se {d[1]:.2e}, tau2 {d[2]:.2e}")


def pool_in_process(data: Any, estimator: str) -> Any:
    """The library call a user makes: every analysis of the table pooled in one call.

    ``data`` is a DataFrame, or the CSV's path (then read by the reader of ``sysreview
    pool``).
    """
    from sysreview import pool_table

    return pool_table(
        data, by="analysis", measure="MD", tau2_method=estimator, convention="metafor"
    )


def rows_of(pooled: Any) -> dict[str, Row]:
    """``pool_table``'s pooled estimate, SE and tau² per analysis."""
    return {r.label: (r.estimate, r.se, r.tau2, 0) for r in pooled}


def time_in_process(data: Any, estimator: str) -> float:
    """Median wall time of :data:`CALLS_PER_ROUND` calls of :func:`pool_in_process`."""
    times = []
    for _ in range(CALLS_PER_ROUND):
        start = time.perf_counter()
        pool_in_process(data, estimator)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_r_loop(script: Path, data: Path, estimator: str) -> tuple[float, float]:
    """Seconds of metafor's loop over every analysis and of ``read.csv``, timed inside R
    (:data:`R_LOOP`)."""
    done = subprocess.run(
        ["Rscript", "--vanilla", str(script), str(data), estimator],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"the R loop failed ({done.returncode}):\n{done.stderr}")
    seconds, reading, failed = done.stdout.split()
    if int(failed):
        print(f"  note: metafor could not fit {failed} analyses ({estimator})")
    return float(seconds), float(reading)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def report(
    title: str, times: dict[str, dict[str, list[float]]], target: float, unit: float = 1.0
) -> None:
    """Print the median times of each tool and their ratio against the target."""
    suffix = "ms" if unit == 1000 else "s"
    print(f"\n{title}:")
    print(f"  {'tau2':<5} {'sysreview':>10} {'metafor':>10} {'R/sysreview':>12}")
    for est in ESTIMATORS:
        ours = statistics.median(times[est]["sysreview"])
        if not times[est]["R"]:
            print(f"  {est:<5} {ours * unit:>8.3f}{suffix} {'n/a':>10} {'n/a':>12}")
            continue
        theirs = statistics.median(times[est]["R"])
        ratio = theirs / ours
        verdict = "meets" if ratio >= target else "misses"
        print(
            f"  {est:<5} {ours * unit:>8.3f}{suffix} {theirs:>9.3f}s {ratio:>11.1f}x"
            f"  ({verdict} the {target:.0f}x target)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--analyses", type=int, default=2000, help="number of analyses")
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed rounds per tool and estimator"
    )
    parser.add_argument("--seed", type=int, default=20240601, help="numpy seed for the data")
    parser.add_argument(
        "--in-process-only", action="store_true", help="skip the whole-process timings"
    )
    args = parser.parse_args()

    exe = Path(sys.executable).parent / "sysreview"
    if not exe.exists():
        sys.exit(f"{exe} not found: install sysreview into this environment (make bench)")
    have_r, r_info = metafor_available()
    # Bytecode as a normal install has it (pip compiles on install; an editable install
    # writes it on first import, unless PYTHONDONTWRITEBYTECODE is set, as it is here).
    import pandas as pd

    import sysreview

    package = Path(sysreview.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)

    print(f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}")
    print(f"metafor {r_info}" if have_r else f"metafor: unavailable ({r_info})")

    with tempfile.TemporaryDirectory(prefix="sysreview-bench-") as tmp:
        tmpdir = Path(tmp)
        data = tmpdir / "data.csv"
        rows = generate(data, args.analyses, args.seed)
        print(f"data: {args.analyses} analyses, {rows} studies (seed {args.seed}), {data}")
        frame = pd.read_csv(data)
        script, loop = tmpdir / "bench.R", tmpdir / "loop.R"
        script.write_text(R_SCRIPT)
        loop.write_text(R_LOOP)
        ours_out, theirs_out = tmpdir / "sysreview.json", tmpdir / "metafor.csv"
        r_stdout = tmpdir / "r.stdout"

        if have_r:
            print("cross-check of pooled results, sysreview vs metafor (untimed warm-up runs):")
        for est in ESTIMATORS:
            run(sysreview_cmd(exe, data, est), ours_out)
            library = rows_of(pool_in_process(frame, est))
            if not have_r:
                continue
            run(r_cmd(script, data, est, theirs_out), r_stdout)
            theirs = read_metafor(theirs_out)
            cross_check(read_sysreview(ours_out), theirs, f"{est}, command, metafor defaults")
            cross_check(library, theirs, f"{est}, pool_table, metafor defaults")
            if est != "DL":  # iterative: show the gap is metafor's default threshold (1e-5)
                run(r_cmd(script, data, est, theirs_out, STRICT_THRESHOLD), r_stdout)
                strict = read_metafor(theirs_out)
                title = f"metafor threshold={STRICT_THRESHOLD}"
                cross_check(read_sysreview(ours_out), strict, f"{est}, command, {title}")
                cross_check(library, strict, f"{est}, pool_table, {title}")

        # pooling: pool_table(DataFrame) vs the loop; file to results: pool_table(path),
        # read by the command's reader, vs read.csv + the loop
        pooling: dict[str, dict[str, list[float]]] = {
            e: {"sysreview": [], "R": []} for e in ESTIMATORS
        }
        reading: dict[str, dict[str, list[float]]] = {
            e: {"sysreview": [], "R": []} for e in ESTIMATORS
        }
        for _ in range(args.repeats):
            for est in ESTIMATORS:
                pooling[est]["sysreview"].append(time_in_process(frame, est))
                reading[est]["sysreview"].append(time_in_process(data, est))
                if have_r:
                    loop_seconds, read_seconds = time_r_loop(loop, data, est)
                    pooling[est]["R"].append(loop_seconds)
                    reading[est]["R"].append(loop_seconds + read_seconds)
        per_round = f"median of {CALLS_PER_ROUND} calls per round"
        report(
            f"in process, pooling: median over {args.repeats} rounds (sysreview: "
            f"pool_table(DataFrame), {per_round}; metafor: its loop timed in R)",
            pooling,
            TARGET_IN_PROCESS,
            unit=1000,
        )
        report(
            f"in process, file to results: median over {args.repeats} rounds (sysreview: "
            f"pool_table(path), {per_round}; metafor: read.csv + its loop timed in R)",
            reading,
            TARGET_IN_PROCESS,
            unit=1000,
        )
        if args.in_process_only:
            if not have_r:
                print(f"\nmetafor comparison skipped: {r_info}. Install it with: {INSTALL_HINT}")
            return

        whole: dict[str, dict[str, list[float]]] = {
            e: {"sysreview": [], "R": []} for e in ESTIMATORS
        }
        for _ in range(args.repeats):
            for est in ESTIMATORS:
                whole[est]["sysreview"].append(run(sysreview_cmd(exe, data, est), ours_out))
                if have_r:
                    whole[est]["R"].append(run(r_cmd(script, data, est, theirs_out), r_stdout))
        cpu = {
            (est, tool): statistics.median(CPU_TIMES[tuple(cmd)][-args.repeats :])
            for est in ESTIMATORS
            for tool, cmd in (
                ("sysreview", sysreview_cmd(exe, data, est)),
                ("R", r_cmd(script, data, est, theirs_out)),
            )
            if tuple(cmd) in CPU_TIMES
        }

    how = "alternating runs" if have_r else "runs of sysreview alone"
    report(f"whole processes: median wall time over {args.repeats} {how} (startup included)",
           whole, TARGET_RATIO)  # fmt: skip
    print("median CPU time (user + system) of the same runs:")
    for est in ESTIMATORS:
        theirs_cpu = f"{cpu[est, 'R']:>9.3f}s" if (est, "R") in cpu else f"{'n/a':>10}"
        print(f"  {est:<5} {cpu[est, 'sysreview']:>9.3f}s {theirs_cpu}")
    if not have_r:
        print(f"\nmetafor comparison skipped: {r_info}. Install it with: {INSTALL_HINT}")


if __name__ == "__main__":
    main()
