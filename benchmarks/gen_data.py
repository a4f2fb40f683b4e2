#!/usr/bin/env python3
"""Deterministic synthetic data generator for the SurvivalKit benchmarks.

Modes
-----
default (Kaplan-Meier benchmark)
    CSV ``time,status,group`` with N rows (default 1_000_000).  Three groups
    ``A``, ``B``, ``C`` (equal probability), exponential event times with
    group-specific rates, independent exponential censoring tuned so that
    ~30% of rows are censored (status 0), times rounded to 2 decimals (so the
    data are heavily tied, as real follow-up data usually are).

--covariates K (Cox benchmark)
    Adds K columns ``x1..xK`` (standard normal, 4 decimals).  Event hazard is
    ``rate[group] * exp(sum_j beta_j * x_j)`` with fixed, known betas
    (``beta_j = 0.5 * (-1)**(j+1) / j``), i.e. proportional hazards.  The
    true betas are printed to stderr.

--numeric-only (CSV parse benchmark)
    8 numeric columns ``time,status,x1..x6`` (time 2 decimals, status 0/1,
    x 6 decimals, some negative).  Rows are added until the file reaches
    ``--target-mb`` megabytes (default 193, 1 MB = 10**6 bytes) unless
    ``--rows``/N is given explicitly.  The file is still a valid survival
    data set (time, status) so ``survkit`` can consume it directly.

The output is byte-for-byte reproducible for a given (mode, N, K, seed) with
numpy's PCG64 ``default_rng`` (numpy >= 1.17).

Default output paths (relative to this script):
    data/km_<N>.csv, data/cox_<N>_k<K>.csv, data/numeric_<MB>MB.csv
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

GROUPS = ("A", "B", "C")
# Event rates per group (mean survival 2.0, 1.0, 0.5 time units).
RATES = np.array([0.5, 1.0, 2.0])
CENSOR_FRACTION = 0.30
CHUNK = 200_000  # rows generated/written per chunk (keeps memory flat)

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "data")


def cox_betas(k: int) -> np.ndarray:
    return np.array([0.5 * (-1) ** j / (j + 1) for j in range(k)], dtype=float)


def survival_chunk(rng: np.random.Generator, n: int, k: int):
    """Return (time, status, group_idx, X) for one chunk of n rows."""
    g = rng.integers(0, len(GROUPS), size=n)
    rate = RATES[g]
    if k > 0:
        x = np.round(rng.standard_normal((n, k)), 4)
        rate = rate * np.exp(x @ cox_betas(k))
    else:
        x = None
    t_event = rng.exponential(1.0, size=n) / rate
    # Independent exponential censoring with rate mu: P(C < T) = mu/(rate+mu)
    # = CENSOR_FRACTION  =>  mu = rate * f / (1 - f) (exact without covariates,
    # approximate with them since the censoring uses the group rate only).
    mu = RATES[g] * CENSOR_FRACTION / (1.0 - CENSOR_FRACTION)
    t_cens = rng.exponential(1.0, size=n) / mu
    status = (t_event <= t_cens).astype(np.int8)
    time = np.round(np.minimum(t_event, t_cens), 2)
    time = np.maximum(time, 0.01)  # avoid zero times after rounding
    return time, status, g, x


def format_rows(cols) -> str:
    """cols: list of (array, fmt) -> CSV text (no header), newline-terminated."""
    parts = []
    for arr, fmt in cols:
        if fmt is None:  # already strings
            parts.append(arr)
        else:
            parts.append(np.char.mod(fmt, arr))
    out = parts[0].astype(object)
    for p in parts[1:]:
        out = out + "," + p.astype(object)
    return "\n".join(out.tolist()) + "\n"


def write_survival(path: str, n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    groups = np.array(GROUPS)
    header = ["time", "status", "group"] + [f"x{j + 1}" for j in range(k)]
    n_events = 0
    with open(path, "w", newline="\n") as f:
        f.write(",".join(header) + "\n")
        done = 0
        while done < n:
            m = min(CHUNK, n - done)
            time, status, g, x = survival_chunk(rng, m, k)
            cols = [(time, "%.2f"), (status, "%d"), (groups[g], None)]
            if k > 0:
                cols += [(x[:, j], "%.4f") for j in range(k)]
            f.write(format_rows(cols))
            n_events += int(status.sum())
            done += m
    print(f"wrote {path.removesuffix('.tmp')}: {n} rows, {(100.0 * (1 - n_events / n) if n else 0.0):.1f}% censored"
          + (f", true betas {cox_betas(k).round(4).tolist()}" if k else ""),
          file=sys.stderr)


def write_numeric(path: str, n: int | None, target_bytes: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    header = "time,status," + ",".join(f"x{j}" for j in range(1, 7)) + "\n"
    written = 0
    rows = 0
    with open(path, "wb") as f:
        f.write(header.encode())
        written += len(header)
        while True:
            m = CHUNK if n is None else min(CHUNK, n - rows)
            if m <= 0:
                break
            time, status, _, _ = survival_chunk(rng, m, 0)
            x = rng.standard_normal((m, 6)) * np.array([1, 10, 100, 0.1, 1, 1000])
            cols = [(time, "%.2f"), (status, "%d")] + [(x[:, j], "%.6f") for j in range(6)]
            lines = format_rows(cols).encode().split(b"\n")[:-1]
            if n is None:
                # Stop at the first row that reaches the target size.
                lens = np.cumsum([len(ln) + 1 for ln in lines]) + written
                cut = int(np.searchsorted(lens, target_bytes)) + 1
                if cut <= len(lines):
                    lines = lines[:cut]
                    f.write(b"\n".join(lines) + b"\n")
                    written = int(lens[cut - 1])
                    rows += cut
                    break
            block = b"\n".join(lines) + b"\n"
            f.write(block)
            written += len(block)
            rows += len(lines)
    print(f"wrote {path.removesuffix('.tmp')}: {rows} rows x 8 numeric columns, {written / 1e6:.1f} MB",
          file=sys.stderr)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", nargs="?", type=int, default=None,
                   help="number of rows (default 1000000; numeric-only: size-driven)")
    p.add_argument("-o", "--output", help="output CSV path (default under benchmarks/data/)")
    p.add_argument("--seed", type=int, default=20240501)
    p.add_argument("--covariates", type=int, default=0, metavar="K",
                   help="add K standard-normal covariates x1..xK with PH effects")
    p.add_argument("--numeric-only", action="store_true",
                   help="8 numeric columns, sized for the CSV parse benchmark")
    p.add_argument("--target-mb", type=float, default=193.0,
                   help="numeric-only target size in MB (10**6 bytes), default 193")
    a = p.parse_args()

    if a.numeric_only:
        if a.covariates:
            p.error("--numeric-only and --covariates are mutually exclusive")
        out = a.output or os.path.join(DATA_DIR, f"numeric_{a.target_mb:g}MB.csv"
                                       if a.n is None else f"numeric_{a.n}.csv")
    else:
        a.n = 1_000_000 if a.n is None else a.n
        if a.covariates:
            out = a.output or os.path.join(DATA_DIR, f"cox_{a.n}_k{a.covariates}.csv")
        else:
            out = a.output or os.path.join(DATA_DIR, f"km_{a.n}.csv")
    if a.n is not None and a.n < 0:
        p.error("N must be >= 0")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)

    tmp = out + ".tmp"
    if a.numeric_only:
        write_numeric(tmp, a.n, int(a.target_mb * 1e6), a.seed)
    else:
        write_survival(tmp, a.n, a.covariates, a.seed)
    os.replace(tmp, out)  # atomic: a partial file never looks complete
    print(out)


if __name__ == "__main__":
    main()
