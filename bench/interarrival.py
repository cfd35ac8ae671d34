"""Benchmark tealeaves' Clauset power-law fit against the `powerlaw` package, same data.

    python bench/interarrival.py [--sizes 1e4,1e5] [--replicates 1000] [--peer-replicates 3,1]
                                 [--markdown FILE]

The work timed is what a goodness-of-fit p-value costs (Clauset, Shalizi & Newman 2009, sec.
4.1): fit alpha for every candidate x_min, keep the x_min with the smallest KS distance, then
repeat that whole fit on `--replicates` semi-parametric synthetic data sets.

- tealeaves: `tl.fit_powerlaw(x, replicates=R)` does all of it in C++ (threads = all cores, and
  again with threads=1); its fit alone is the median of 5 calls with replicates=0.
- powerlaw (`powerlaw.Fit(x)`, continuous, default x_min scan over every distinct value): the
  package has no bootstrap, so the replicates are `powerlaw.Fit` on synthetic data sets made with
  numpy by the same recipe. One replicate at 1e5 samples takes minutes, so only a few
  (`--peer-replicates`, per size) are timed and the 1000-replicate total is extrapolated as
  fit + R x median(replicate); the row says how many were timed.
- Both libraries also fit the *same* synthetic data sets one by one (tealeaves with
  replicates=0), which gives a per-replicate median for each on identical inputs.

Data: seeded, n values of which 30% come from a power law (alpha = 2.5 above 10) and the rest
from a log-normal body (mu = 1, sigma = 0.7), so the x_min scan has a real decision to make.
One run (each configuration timed once, except the medians stated above). Target: >= 50x.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np

import tealeaves as tl

TARGET_RATIO = 50.0


def make_data(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    tail = rng.random(n) < 0.3
    pareto = 10.0 * (1.0 - rng.random(n)) ** (-1.0 / 1.5)
    body = rng.lognormal(1.0, 0.7, n)
    return np.where(tail, pareto, body)


def semi_parametric(x: np.ndarray, xmin: float, alpha: float, rng: np.random.Generator):
    """Clauset's semi-parametric bootstrap sample: power law above x_min, data below it."""
    body = x[x < xmin]
    from_tail = rng.random(len(x)) < (len(x) - len(body)) / len(x)
    n_tail = int(from_tail.sum())
    tail = xmin * (1.0 - rng.random(n_tail)) ** (-1.0 / (alpha - 1.0))
    return np.concatenate([rng.choice(body, len(x) - n_tail), tail])


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def peer_fit(x: np.ndarray):
    import powerlaw

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = powerlaw.Fit(x, discrete=False, verbose=False)
        return fit.xmin, fit.alpha, fit.power_law.D


def bench_size(n: int, replicates: int, peer_replicates: int, seed: int) -> dict[str, object]:
    x = make_data(n, seed)
    fit_times = [timed(tl.fit_powerlaw, x, replicates=0, compare=False)[0] for _ in range(5)]
    ours_fit = statistics.median(fit_times)
    ours_all, fit = timed(tl.fit_powerlaw, x, replicates=replicates, compare=False, seed=seed)
    ours_one_thread, _ = timed(
        tl.fit_powerlaw, x, replicates=replicates, compare=False, seed=seed, threads=1
    )
    print(
        f"  n={n:.0e}: tealeaves fit + {replicates} replicates {ours_all:.2f} s "
        f"(x_min {fit.xmin:.4g}, alpha {fit.alpha:.3f}, p {fit.p_value:.3f})",
        file=sys.stderr,
    )
    peer_fit_time, (pxmin, palpha, _) = timed(peer_fit, x)
    print(
        f"  n={n:.0e}: powerlaw fit {peer_fit_time:.2f} s (x_min {pxmin:.4g}, alpha {palpha:.3f})",
        file=sys.stderr,
    )
    rng = np.random.default_rng(seed + 1)
    ours_rep, peer_rep = [], []
    for k in range(peer_replicates):
        synthetic = semi_parametric(x, fit.xmin, fit.alpha, rng)
        peer_rep.append(timed(peer_fit, synthetic)[0])
        ours_rep.append(timed(tl.fit_powerlaw, synthetic, replicates=0, compare=False)[0])
        print(
            f"  n={n:.0e}: replicate {k + 1}/{peer_replicates}: powerlaw {peer_rep[-1]:.2f} s, "
            f"tealeaves {ours_rep[-1] * 1e3:.2f} ms",
            file=sys.stderr,
        )
    peer_total = peer_fit_time + replicates * statistics.median(peer_rep)
    return {
        "n": n,
        "ours_fit": ours_fit,
        "ours_all": ours_all,
        "ours_one_thread": ours_one_thread,
        "ours_replicate": statistics.median(ours_rep),
        "peer_fit": peer_fit_time,
        "peer_replicate": statistics.median(peer_rep),
        "peer_timed": peer_replicates,
        "peer_total": peer_total,
        "ratio": peer_total / ours_all,
        "ratio_one_thread": peer_total / ours_one_thread,
        "ratio_replicate": statistics.median(peer_rep) / statistics.median(ours_rep),
    }


def table(rows: list[dict[str, object]], replicates: int) -> str:
    lines = [
        f"| n | tealeaves fit | tealeaves fit + {replicates} boot (all cores / 1 thread) | "
        f"powerlaw fit | per replicate: powerlaw / tealeaves (median, same data) | "
        f"powerlaw fit + {replicates} boot (extrapolated) | ratio (all cores / 1 thread) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:.0e} | {r['ours_fit'] * 1e3:.1f} ms | {r['ours_all']:.2f} s / "
            f"{r['ours_one_thread']:.2f} s | {r['peer_fit']:.1f} s | {r['peer_replicate']:.1f} s / "
            f"{r['ours_replicate'] * 1e3:.1f} ms = {r['ratio_replicate']:.0f}x "
            f"({r['peer_timed']} timed) | {r['peer_total'] / 3600:.2f} h | "
            f"{r['ratio']:.0f}x / {r['ratio_one_thread']:.0f}x |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e4,1e5")
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument(
        "--peer-replicates",
        default="3,1",
        help="powerlaw replicates timed per size (the last value repeats)",
    )
    parser.add_argument("--seed", type=int, default=2009)
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    try:
        import powerlaw
    except ImportError:
        sys.exit(
            "needs the powerlaw package: .venv/bin/pip install powerlaw (requirements/bench.txt)"
        )
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    peers = [int(s) for s in args.peer_replicates.split(",")]
    print(
        f"tealeaves {tl.__version__}, powerlaw {getattr(powerlaw, '__version__', '?')}, "
        f"numpy {np.__version__}; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
    )
    rows = [
        bench_size(n, args.replicates, peers[min(i, len(peers) - 1)], args.seed)
        for i, n in enumerate(sizes)
    ]
    text = table(rows, args.replicates)
    print(text)
    worst = min(r["ratio"] for r in rows)
    verdict = "meets" if worst >= TARGET_RATIO else "MISSES"
    print(f"\nsmallest ratio {worst:.0f}x: {verdict} the >= {TARGET_RATIO:.0f}x target")
    if args.markdown:
        with open(args.markdown, "w") as handle:
            handle.write(text + "\n")


if __name__ == "__main__":
    main()
