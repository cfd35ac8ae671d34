"""What the benchmark measures: implementations per operation, and summary statistics."""

from __future__ import annotations

import statistics
from typing import NamedTuple

MODES = ("default", "hugetlb")


class Impl(NamedTuple):
    key: str
    label: str
    baseline: str | None = None  # the tealeaves row this one is compared with


OPERATIONS: dict[str, list[Impl]] = {
    "periodogram": [
        Impl("tl_oneoff", "tealeaves one-off (planning incl.)"),
        Impl("tl_reused", "tealeaves reused plan + out="),
        Impl("tl_reused_measure", "tealeaves reused, MEASURE plan"),
        Impl("numpy", "numpy rfft + |X|^2", "tl_oneoff"),
        Impl("scipy_w1", "scipy.fft rfft workers=1", "tl_oneoff"),
        Impl("scipy_w2", "scipy.fft rfft workers=2", "tl_oneoff"),
        Impl("scipy_signal", "scipy.signal.periodogram", "tl_oneoff"),
        Impl("raw", "raw FFTW, ESTIMATE plan", "tl_reused"),
        Impl("raw_measure", "raw FFTW, MEASURE plan", "tl_reused_measure"),
        Impl("engine", "(diag.) engine C++ direct, reused", "tl_reused"),
    ],
    "welch": [
        Impl("tl_welch", "tealeaves welch"),
        Impl("scipy_welch", "scipy.signal.welch", "tl_welch"),
    ],
    "acf": [
        Impl("tl_acf", "tealeaves acf (plan cached)"),
        Impl("statsmodels_acf", "statsmodels acf fft=True", "tl_acf"),
        Impl("raw_acf", "raw FFTW acf, ESTIMATE", "tl_acf"),
        Impl("engine_acf", "(diag.) engine C++ direct acf", "tl_acf"),
    ],
}


def median(result: dict) -> float | None:
    times = result.get("times")
    return statistics.median(times) if times else None


def iqr(times: list[float]) -> float:
    if len(times) < 4:
        return max(times) - min(times)
    q = statistics.quantiles(times, n=4)
    return q[2] - q[0]


def ms(seconds: float | None, digits: int = 4) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:.{digits}g}"


def first_call(result: dict) -> float | None:
    """The warm-up call: first use of this size in a fresh process (raw: plus its planning)."""
    if "first" not in result:
        return None
    return result["first"] + result.get("plan_seconds", 0.0)


def summary_line(result: dict) -> str:
    times, faults = result.get("times", []), result.get("faults", [])
    if not times:
        return "no times"
    return f"median {ms(median(result))} ms, min {ms(min(times))} ms, faults {faults[-1]}"


def ratio(results: dict, peer: str, base: str, mode: str) -> float | None:
    top = median(results.get(peer, {}).get(mode, {}))
    bottom = median(results.get(base, {}).get(mode, {}))
    return None if top is None or not bottom else top / bottom
