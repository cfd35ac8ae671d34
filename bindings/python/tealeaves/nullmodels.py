"""Monte-Carlo significance against surrogate null models: ``mc_test``.

p = (k + 1) / (n + 1), where k of the n surrogates (see :mod:`tealeaves.surrogates`) reach a
statistic at least as large as the observed one, so p is never below 1 / (n + 1). Surrogate i
is drawn from its own random stream (seed, i), so results are identical for any thread count.
With ``sequential=h`` the test stops once h surrogates have reached the observed value
(Besag & Clifford 1991) and then p = h / n_done: cheap when the answer is clearly "not
significant". ``ci`` is the Clopper-Pearson interval for the p-value with infinitely many
surrogates.

Built-in statistics (fast path, run in parallel in C++):

- ``max_z2``: max Z^2_n over [fmin, fmax] (options ``fmin``, ``fmax``, ``harmonics``,
  ``oversample``), on one grid fixed by the observed series for every surrogate: a
  family-wise test across the searched band;
- ``max_leahy``: max Leahy power of counts in ``bin_width`` bins over (fmin, fmax];
- ``acf``: autocorrelation of counts in ``bin_width`` bins at ``lag`` bins;
- ``burstiness`` (Goh-Barabasi B), ``memory`` (M), ``fano`` (Fano factor at ``fano_window``);
- ``coincidence``: event coincidence rate (Donges et al. 2016) with outside ``events`` (times
  like the series', seconds or datetimes): the share of lookups falling within [0,
  ``tolerance``] s after an outside event shifted by ``lag`` s (``direction="trigger"``:
  0 <= t - (e + lag) <= tolerance), before one (``"precursor"``: 0 <= (e - lag) - t <=
  tolerance), or either (``"both"``). Each stored lookup counts once. Its natural null is
  ``circular_shift``, which keeps the series' own structure and destroys only its alignment
  with the outside events.

A Python callable ``statistic(series: EventSeries) -> float`` is accepted too (slow path): the
surrogates come from the same C++ generators and streams, one at a time, and the callable runs
in Python on each, sequentially (``threads`` is ignored). Expect it to be 10-1000x slower.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._series_input import as_series
from .results import _html_table
from .series import EventSeries
from .surrogates import NULLS, _seconds

if TYPE_CHECKING:
    import pandas as pd

_nullmodel = _core.nullmodel

STATISTICS = ("max_z2", "max_leahy", "acf", "burstiness", "memory", "fano", "coincidence")
DIRECTIONS = ("trigger", "precursor", "both")
_STATISTIC_OPTIONS = {
    "fmin": float,
    "fmax": float,
    "harmonics": int,
    "oversample": float,
    "bin_width": float,
    "lag": int,
    "fano_window": float,
    "tolerance": float,
    "direction": str,
}


@dataclass(frozen=True, eq=False)
class McResult:
    """A Monte-Carlo test: p = (k + 1) / (n + 1) (or h / n when stopped early)."""

    p_value: float
    n: int
    k: int
    ci: tuple[float, float]
    null: str
    statistic: str
    observed: float
    stopped_early: bool
    null_values: np.ndarray = field(repr=False)

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {
                "statistic": [self.statistic],
                "null": [self.null],
                "observed": [self.observed],
                "k": [self.k],
                "n": [self.n],
                "p_value": [self.p_value],
                "ci_low": [self.ci[0]],
                "ci_high": [self.ci[1]],
                "stopped_early": [self.stopped_early],
            }
        )

    def _repr_html_(self) -> str:
        return _html_table(
            f"Monte-Carlo test: {self.statistic} vs {self.null}",
            {
                "observed": self.observed,
                "p-value": self.p_value,
                "95% CI": f"[{self.ci[0]:.4g}, {self.ci[1]:.4g}]",
                "k / n": f"{self.k} / {self.n}",
                "stopped early": self.stopped_early,
            },
        )


def _null_options(
    utc_offset: Any,
    weekly: bool,
    smoothing_hours: float,
    bandwidth: Any,
    delta: Any,
    block_length: int,
) -> dict[str, Any]:
    return {
        "utc_offset_seconds": _seconds(utc_offset, "utc_offset"),
        "weekly": bool(weekly),
        "smoothing_hours": float(smoothing_hours),
        "bandwidth": _seconds(bandwidth, "bandwidth"),
        "delta": _seconds(delta, "delta"),
        "block_length": int(block_length),
    }


def mc_test(
    times_or_series: Any,
    statistic: str | Callable[[EventSeries], float] = "max_z2",
    null: str = "poisson",
    *,
    n: int = 999,
    seed: int = 0,
    threads: int = 0,
    sequential: int | None = None,
    ci_level: float = 0.95,
    utc_offset: Any = 0.0,
    weekly: bool = True,
    smoothing_hours: float = 0.0,
    bandwidth: Any = 3600.0,
    delta: Any = 1.0,
    block_length: int = 10,
    **statistic_options: Any,
) -> McResult:
    """Monte-Carlo p-value of ``statistic`` against the ``null`` surrogate model.

    Parameters
    ----------
    times_or_series : EventSeries or array of times
    statistic : str or callable
        A built-in name (see the module docstring) or ``f(EventSeries) -> float``.
    null : str
        One of :data:`tealeaves.surrogates.NULLS`.
    n : int
        Number of surrogates.
    seed, threads : int
        Random seed; threads (0: all). Results do not depend on ``threads``.
    sequential : int, optional
        Besag-Clifford h: stop after h surrogates reach the observed value.
    utc_offset, weekly, smoothing_hours, bandwidth, delta, block_length
        Null-model options (see :mod:`tealeaves.surrogates`); seconds or timedeltas.
    **statistic_options
        fmin, fmax (Hz), harmonics, oversample, bin_width (s), lag (bins; for coincidence:
        seconds, default 0), fano_window (s); coincidence: events, tolerance (s), direction.
    """
    series = as_series(times_or_series)
    if null not in NULLS:
        raise ValueError(f"null: expected one of {', '.join(NULLS)}, got {null!r}")
    if int(n) < 1:
        raise ValueError(f"n: must be >= 1, got {n!r}")
    h = 0 if sequential is None else int(sequential)
    if h < 0:
        raise ValueError(f"sequential: must be >= 1 or None, got {sequential!r}")
    null_opts = _null_options(utc_offset, weekly, smoothing_hours, bandwidth, delta, block_length)
    if callable(statistic):
        if statistic_options:
            raise TypeError(
                "statistic options "
                f"({', '.join(statistic_options)}) apply to built-in statistics only"
            )
        return _mc_callable(series, statistic, null, int(n), int(seed), h, ci_level, null_opts)
    if statistic not in STATISTICS:
        raise ValueError(f"statistic: expected one of {', '.join(STATISTICS)}, got {statistic!r}")
    if statistic == "coincidence":
        stat_opts = _coincidence_options(statistic_options)
    else:
        unknown = set(statistic_options) - set(_STATISTIC_OPTIONS) - {"events"}
        if unknown:
            raise TypeError(f"unknown statistic options: {', '.join(sorted(unknown))}")
        if {"events", "tolerance", "direction"} & set(statistic_options):
            raise TypeError("events, tolerance and direction apply to statistic='coincidence'")
        stat_opts = {k: _STATISTIC_OPTIONS[k](v) for k, v in statistic_options.items()}
    r = _nullmodel.mc_test(
        series._impl,
        statistic,
        null,
        n=int(n),
        seed=int(seed),
        threads=int(threads),
        sequential_h=h,
        ci_level=float(ci_level),
        **stat_opts,
        **null_opts,
    )
    return McResult(
        p_value=r["p_value"],
        n=r["n"],
        k=r["k"],
        ci=(r["ci_low"], r["ci_high"]),
        null=r["null"],
        statistic=r["statistic"],
        observed=r["observed"],
        stopped_early=r["stopped_early"],
        null_values=r["null_values"],
    )


def _event_seconds(events: Any) -> np.ndarray:
    values = np.asarray(events)
    if values.dtype.kind == "M":
        values = values.astype("datetime64[ns]").astype(np.int64) / 1e9
    elif values.dtype == object:
        values = np.asarray(
            [v.timestamp() if hasattr(v, "timestamp") else float(v) for v in values.ravel()]
        )
    values = np.asarray(values, dtype=float).ravel()
    if values.size == 0:
        raise ValueError("events: must not be empty")
    if not np.all(np.isfinite(values)):
        raise ValueError("events: must be finite")
    return values


def _coincidence_options(options: dict[str, Any]) -> dict[str, Any]:
    allowed = {"events", "tolerance", "lag", "direction"}
    unknown = set(options) - allowed
    if unknown:
        raise TypeError(f"unknown options for coincidence: {', '.join(sorted(unknown))}")
    if "events" not in options:
        raise TypeError("events: required for statistic='coincidence'")
    if "tolerance" not in options:
        raise TypeError("tolerance: required for statistic='coincidence'")
    tolerance = _seconds(options["tolerance"], "tolerance")
    if not (np.isfinite(tolerance) and tolerance >= 0):
        raise ValueError(f"tolerance: must be finite and >= 0, got {options['tolerance']!r}")
    lag = _seconds(options.get("lag", 0.0), "lag")
    if not np.isfinite(lag):
        raise ValueError(f"lag: must be finite, got {options.get('lag')!r}")
    direction = options.get("direction", "trigger")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction: expected one of {', '.join(DIRECTIONS)}, got {direction!r}")
    return {
        "events": _event_seconds(options["events"]),
        "tolerance": tolerance,
        "event_lag": lag,
        "direction": direction,
    }


def _mc_callable(
    series: EventSeries,
    statistic: Callable[[EventSeries], float],
    null: str,
    n: int,
    seed: int,
    h: int,
    ci_level: float,
    null_opts: dict[str, Any],
) -> McResult:
    observed = float(statistic(series))
    tie = 1e-12 * abs(observed)
    values: list[float] = []
    k = 0
    stopped = False
    for i in range(n):
        impl = _nullmodel.surrogate(series._impl, null, seed=seed, stream=i, **null_opts)
        value = float(statistic(EventSeries._wrap(impl, series._is_datetime)))
        values.append(value)
        k += not (value < observed - tie)  # NaN counts; rounding-level differences are ties
        if h > 0 and k >= h and i + 1 < n:
            stopped = True
            break
    done = len(values)
    p = k / done if stopped else (k + 1) / (done + 1)
    ci = tuple(_nullmodel.clopper_pearson(k, done, level=float(ci_level)))
    name = getattr(statistic, "__name__", "callable")
    return McResult(
        p_value=p,
        n=done,
        k=k,
        ci=(float(ci[0]), float(ci[1])),
        null=null,
        statistic=name,
        observed=observed,
        stopped_early=stopped,
        null_values=np.asarray(values, dtype=float),
    )


__all__ = ["DIRECTIONS", "STATISTICS", "McResult", "mc_test"]
