"""Benchmark worker: times one implementation on one input in this process, prints JSON.

    python bench/peers.py IMPL INPUT N REPEATS

run.py starts one such process per (implementation, size, allocator mode), so every
measurement starts from the same memory state. Only the libraries IMPL needs are imported.
The input is N raw float64 values written by run.py (the raw FFTW program reads the same file).
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Optional

import numpy as np

NLAGS = 1000
NPERSEG = 4096

# A case: (callable timed each repeat, callable run untimed before each repeat or None).
Case = tuple[Callable[[], object], Optional[Callable[[], object]]]


def _tl():
    import tealeaves as tl

    return tl


def tl_oneoff(x: np.ndarray) -> Case:
    tl = _tl()
    return (lambda: tl.periodogram(x, scaling="power", detrend="none")), tl.clear_plan_cache


def tl_reused(x: np.ndarray) -> Case:
    tl = _tl()
    out = np.empty(len(x) // 2 + 1)
    return (lambda: tl.periodogram(x, out=out, scaling="power", detrend="none")), None


def tl_reused_measure(x: np.ndarray) -> Case:
    tl = _tl()
    tl.prepare_plans([len(x)], effort="measure")  # read back from run.py's private wisdom
    if tl.plan_cache_stats()["measured"] < 1:
        raise RuntimeError("no measured plan: the wisdom file was not found")
    out = np.empty(len(x) // 2 + 1)

    def call() -> object:
        return tl.periodogram(x, out=out, scaling="power", detrend="none", effort="measure")

    return call, None


def numpy_rfft(x: np.ndarray) -> Case:
    return (lambda: np.abs(np.fft.rfft(x)) ** 2), None


def _scipy_rfft(workers: int) -> Callable[[np.ndarray], Case]:
    def case(x: np.ndarray) -> Case:
        import scipy.fft

        return (lambda: np.abs(scipy.fft.rfft(x, workers=workers)) ** 2), None

    return case


def scipy_periodogram(x: np.ndarray) -> Case:
    from scipy import signal

    return (lambda: signal.periodogram(x, scaling="spectrum", detrend=False)), None


def tl_welch(x: np.ndarray) -> Case:
    tl = _tl()
    return (lambda: tl.welch(x, nperseg=NPERSEG)), None


def scipy_welch(x: np.ndarray) -> Case:
    from scipy import signal

    return (lambda: signal.welch(x, nperseg=NPERSEG)), None


def tl_acf(x: np.ndarray) -> Case:
    tl = _tl()
    return (lambda: tl.acf(x, nlags=NLAGS)), None


def statsmodels_acf(x: np.ndarray) -> Case:
    import inspect

    from statsmodels.tsa.stattools import acf

    extra = {}
    if "result_object" in inspect.signature(acf).parameters:
        extra["result_object"] = False  # avoids the FutureWarning about the return type
    return (lambda: acf(x, nlags=NLAGS, fft=True, **extra)), None


CASES: dict[str, Callable[[np.ndarray], Case]] = {
    "tl_oneoff": tl_oneoff,
    "tl_reused": tl_reused,
    "tl_reused_measure": tl_reused_measure,
    "numpy": numpy_rfft,
    "scipy_w1": _scipy_rfft(1),
    "scipy_w2": _scipy_rfft(2),
    "scipy_signal": scipy_periodogram,
    "tl_welch": tl_welch,
    "scipy_welch": scipy_welch,
    "tl_acf": tl_acf,
    "statsmodels_acf": statsmodels_acf,
}


def minor_faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def anon_huge_kib() -> int:
    """Transparent huge pages mapped by this process now (kB), from smaps_rollup."""
    try:
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
            if line.startswith("AnonHugePages:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def measure(name: str, x: np.ndarray, repeats: int) -> dict[str, object]:
    call, before = CASES[name](x)
    if before is not None:
        before()
    t0 = time.perf_counter()
    call()  # warm-up: plan caches, lazy initialisation, first-touch of reused buffers
    first = time.perf_counter() - t0
    times: list[float] = []
    faults: list[int] = []
    gc.disable()
    for _ in range(repeats):
        if before is not None:
            before()
        f0 = minor_faults()
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
        faults.append(minor_faults() - f0)
    gc.enable()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "first": first,
        "times": times,
        "faults": faults,
        "thp_kib": anon_huge_kib(),
        "maxrss_kib": peak,
    }


def plan_measure(n: int) -> dict[str, object]:
    """Seconds for tl.prepare_plans([n], effort="measure") against an empty wisdom file."""
    tl = _tl()
    t0 = time.perf_counter()
    tl.prepare_plans([n], effort="measure")
    return {"plan_seconds": time.perf_counter() - t0, "stats": tl.plan_cache_stats()}


def main(argv: list[str]) -> int:
    name, path, n, repeats = argv[0], argv[1], int(argv[2]), int(argv[3])
    warnings.simplefilter("ignore", FutureWarning)
    if name == "plan_measure":
        result = plan_measure(n)
    else:
        x = np.fromfile(path, dtype=np.float64, count=n)
        if len(x) != n:
            raise SystemExit(f"{path}: expected {n} float64 values, got {len(x)}")
        result = measure(name, x, repeats)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
