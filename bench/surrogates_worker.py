"""Surrogate-test benchmark worker: times one implementation in this process, prints JSON.

    python bench/surrogates_worker.py IMPL INPUT N_EVENTS SPAN N_SURROGATES REPEATS SEED

bench/surrogates.py starts one such process per (implementation, allocator mode). INPUT holds
N_EVENTS sorted float64 event times in [0, SPAN]; SPAN is 2^16 s, so 1 s bins give 2^16 bins.
IMPL is tl1 / tl2 (tealeaves mc_test, max_leahy, shuffle null, threads 1 / 2), loop (numpy,
one surrogate at a time) or batched (numpy, BATCH surrogates per 2-D rfft). Each call computes
N_SURROGATES maximum Leahy powers; one warm-up call, then REPEATS timed calls.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from collections.abc import Callable

import numpy as np

BIN_WIDTH = 1.0  # s
BATCH = 50  # surrogates per 2-D rfft in the batched numpy version


def n_bins(span: float) -> int:
    return int(np.ceil(span / BIN_WIDTH))


def max_leahy(times: np.ndarray, bins: int) -> float:
    """Max Leahy power 2 |X_k|^2 / N_events over 1 <= k < Nyquist of the 1 s bin counts (the
    Nyquist bin is left out, as tealeaves' max_leahy does)."""
    counts = np.bincount(np.minimum(times.astype(np.int64), bins - 1), minlength=bins)
    power = np.abs(np.fft.rfft(counts)[1:-1]) ** 2
    return float(2.0 * power.max() / len(times))


def numpy_loop(times: np.ndarray, bins: int, n: int, seed: int) -> np.ndarray:
    """One surrogate at a time: permute the gaps, cumsum from the first event, bin, rfft, max."""
    rng = np.random.default_rng(seed)
    gaps = np.diff(times)
    out = np.empty(n)
    for i in range(n):
        t = np.minimum(times[0] + np.cumsum(rng.permutation(gaps)), times[-1])
        counts = np.bincount(
            np.minimum(np.concatenate(([times[0]], t)).astype(np.int64), bins - 1),
            minlength=bins,
        )
        power = np.abs(np.fft.rfft(counts)[1:-1]) ** 2
        out[i] = 2.0 * power.max() / len(times)
    return out


def numpy_batched(times: np.ndarray, bins: int, n: int, seed: int) -> np.ndarray:
    """BATCH surrogates at a time: a (BATCH, events) array of permuted gaps, bin indices offset
    per row so one bincount fills a (BATCH, bins) array, rfft along axis 1."""
    rng = np.random.default_rng(seed)
    gaps = np.diff(times)
    out = np.empty(n)
    for start in range(0, n, BATCH):
        rows = min(BATCH, n - start)
        perm = rng.permuted(np.broadcast_to(gaps, (rows, len(gaps))), axis=1)
        t = np.empty((rows, len(times)))
        t[:, 0] = times[0]
        np.minimum(times[0] + np.cumsum(perm, axis=1), times[-1], out=t[:, 1:])
        idx = np.minimum(t.astype(np.int64), bins - 1) + bins * np.arange(rows)[:, None]
        counts = np.bincount(idx.ravel(), minlength=rows * bins).reshape(rows, bins)
        power = np.abs(np.fft.rfft(counts, axis=1)[:, 1:-1]) ** 2
        out[start : start + rows] = 2.0 * power.max(axis=1) / len(times)
    return out


def tealeaves_call(
    times: np.ndarray, span: float, n: int, seed: int, threads: int
) -> Callable[[], np.ndarray]:
    import tealeaves as tl

    series = tl.EventSeries(times, start=0.0, end=span)

    def call() -> np.ndarray:
        r = tl.mc_test(
            series, "max_leahy", "shuffle", n=n, seed=seed, threads=threads, bin_width=BIN_WIDTH
        )
        return r.null_values

    return call


def main(argv: list[str]) -> int:
    impl, path = argv[0], argv[1]
    n_events, span, n, repeats, seed = (
        int(argv[2]),
        float(argv[3]),
        int(argv[4]),
        int(argv[5]),
        int(argv[6]),
    )
    times = np.fromfile(path, dtype=np.float64, count=n_events)
    bins = n_bins(span)
    if impl == "check":
        import tealeaves as tl

        series = tl.EventSeries(times, start=0.0, end=span)
        r = tl.mc_test(series, "max_leahy", "shuffle", n=1, seed=seed, bin_width=BIN_WIDTH)
        ours, ref = r.observed, max_leahy(times, bins)
        print(json.dumps({"tealeaves": ours, "numpy": ref, "rel": abs(ours - ref) / ref}))
        return 0
    if impl in ("tl1", "tl2"):
        call = tealeaves_call(times, span, n, seed, 1 if impl == "tl1" else 2)
    elif impl == "loop":
        call = lambda: numpy_loop(times, bins, n, seed)  # noqa: E731
    elif impl == "batched":
        call = lambda: numpy_batched(times, bins, n, seed)  # noqa: E731
    else:
        raise SystemExit(f"unknown implementation {impl!r}")
    t0 = time.perf_counter()
    values = call()
    warmup = time.perf_counter() - t0
    walls: list[float] = []
    cpus: list[float] = []
    faults: list[int] = []
    gc.disable()
    for _ in range(repeats):
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        c0, t0 = time.process_time(), time.perf_counter()
        values = call()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0)
    gc.enable()
    print(
        json.dumps(
            {
                "warmup": warmup,
                "times": walls,
                "cpu": cpus,
                "faults": faults,
                "null_mean": float(np.mean(values)),
                "null_max": float(np.max(values)),
                "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
