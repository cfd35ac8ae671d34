"""When did the lookups rise, spike, fall silent and stop?

- ``bayesian_blocks``: the optimal piecewise-constant rate (Scargle et al. 2013, events
  fitness), with the block prior given, from p0 as astropy does (Scargle's eq. 21), or
  calibrated by simulating homogeneous Poisson series with the same number of events
  (``calibrate=True``) so that a fraction p0 of such series would show a false block.
- ``bursts``: Kleinberg's (2003) burst automaton on the gaps between lookups (Viterbi).
- ``change_points``: PELT (Killick et al. 2012) with a Poisson cost on binned counts.
- ``outages``: silences too long for the local rate, with raw and look-elsewhere-corrected
  (Sidak, Bonferroni) p-values over every silence examined.
- ``first_lookup``: how early (or late) a first lookup came after a reference time under a
  Poisson rate.

Every rate carries an exact (Garwood) Poisson interval; every p-value states its null in the
result's ``null`` field. Times in results are absolute (the input's epoch seconds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._series_input import as_series
from ._validation import check_choice, check_count
from .results import _html_table
from .series import EventSeries

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

_bu = _core.bursts

__all__ = [
    "BayesianBlocks",
    "Bursts",
    "ChangePoints",
    "FirstLookup",
    "Outages",
    "bayesian_blocks",
    "bursts",
    "change_points",
    "first_lookup",
    "outages",
]

ALTERNATIVES = ("two-sided", "early", "late")


def _series(times_or_series: Any) -> EventSeries:
    if not isinstance(times_or_series, EventSeries) and np.size(times_or_series) == 0:
        raise ValueError("times_or_series: has no events")
    series = as_series(times_or_series)
    if len(series) == 0:
        raise ValueError("times_or_series: has no events")
    return series


def _float(value: Any, name: str) -> float:
    if isinstance(value, (str, bytes, bool)) or value is None:
        raise TypeError(f"{name}: expected a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name}: must be finite, got {value!r}")
    return number


def _level(level: Any) -> float:
    value = _float(level, "level")
    if not 0.0 < value < 1.0:
        raise ValueError(f"level: must be in (0, 1), got {level!r}")
    return value


def _clean(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in np.asarray(values).tolist():
        out.append(None if isinstance(v, float) and not math.isfinite(v) else v)
    return out


def _scalar(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _time_index(times: np.ndarray, origin: float) -> Any:
    import pandas as pd

    if origin > 1e8:
        return pd.to_datetime(times, unit="s", utc=True)
    return times


def _raster(ax: Axes, series: EventSeries | None, top: float) -> None:
    if series is None:
        return
    times = series.times + series.origin
    ax.vlines(times, 0.0, 0.06 * top if top > 0 else 1.0, color="0.4", linewidth=0.5)


def _steps(
    ax: Axes,
    start: np.ndarray,
    end: np.ndarray,
    rate: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    label: str,
) -> None:
    for k in range(len(rate)):
        ax.fill_between([start[k], end[k]], low[k], high[k], color="C0", alpha=0.2, lw=0)
        ax.plot(
            [start[k], end[k]],
            [rate[k], rate[k]],
            color="C0",
            lw=2,
            label=label if k == 0 else None,
        )


# --------------------------------------------------------------------------- Bayesian Blocks


@dataclass(frozen=True, eq=False)
class BayesianBlocks:
    """Bayesian Blocks of one series: ``edges`` (absolute times, n_blocks + 1) and per-block
    ``counts``, ``rates`` (events/s) with the exact Poisson interval [rate_low, rate_high] at
    ``level``. ``method`` says where ``ncp_prior`` came from ("given", "p0", "calibrated");
    ``null`` what p0 controls."""

    edges: np.ndarray
    counts: np.ndarray
    rates: np.ndarray
    rate_low: np.ndarray
    rate_high: np.ndarray
    ncp_prior: float
    p0: float
    method: str
    n_cells: int
    n_calibration: int
    calibration_rate: float
    level: float
    null: str
    series: EventSeries | None = field(default=None, repr=False)

    @property
    def n_blocks(self) -> int:
        return len(self.counts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "edges": _clean(self.edges),
            "counts": _clean(self.counts),
            "rates": _clean(self.rates),
            "rate_low": _clean(self.rate_low),
            "rate_high": _clean(self.rate_high),
            "ncp_prior": float(self.ncp_prior),
            "p0": _scalar(self.p0),
            "method": self.method,
            "n_blocks": self.n_blocks,
            "n_cells": int(self.n_cells),
            "n_calibration": int(self.n_calibration),
            "calibration_rate": float(self.calibration_rate),
            "level": float(self.level),
            "null": self.null,
        }

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {
                "start": self.edges[:-1],
                "end": self.edges[1:],
                "count": self.counts,
                "rate": self.rates,
                "rate_low": self.rate_low,
                "rate_high": self.rate_high,
            }
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """Block rates as steps with their Poisson intervals, over the event raster."""
        from .plotting import new_axes

        ax = new_axes(ax)
        _steps(
            ax,
            self.edges[:-1],
            self.edges[1:],
            self.rates,
            self.rate_low,
            self.rate_high,
            "block rate",
        )
        _raster(ax, self.series, float(np.nanmax(self.rate_high)) if self.n_blocks else 1.0)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("rate (events / s)")
        ax.set_title(
            f"Bayesian Blocks: {self.n_blocks} blocks, ncp_prior {self.ncp_prior:.3g}"
            f" ({self.method})"
        )
        return ax

    def _repr_html_(self) -> str:
        return _html_table(
            "BayesianBlocks",
            {
                "blocks": self.n_blocks,
                "ncp_prior": self.ncp_prior,
                "prior from": self.method,
                "p0": self.p0,
                "null series (calibration)": self.n_calibration,
                "max rate (events/s)": float(np.nanmax(self.rates)) if self.n_blocks else 0.0,
            },
        )


def bayesian_blocks(
    times_or_series: Any,
    *,
    p0: float = 0.05,
    ncp_prior: float | None = None,
    calibrate: bool = False,
    n_calibration: int = 200,
    seed: int = 0,
    level: float = 0.95,
    threads: int = 0,
) -> BayesianBlocks:
    """Bayesian Blocks (events fitness) of a series: the optimal piecewise-constant rate.

    Parameters
    ----------
    times_or_series : EventSeries, or times (float seconds or date-times; sorted here)
        Equal times are one cell with their multiplicity (as in astropy).
    p0 : false-positive rate, in (0, 1). Without ``calibrate`` the prior is astropy's
        ``4 - ln(73.53 p0 N^-0.478)`` (Scargle eq. 21, N distinct times); the edges equal
        ``astropy.stats.bayesian_blocks(t, fitness="events", p0=p0)``.
    ncp_prior : the prior per block, given (p0 and calibrate are then ignored).
    calibrate : find the prior by simulation: ``n_calibration`` homogeneous Poisson series with
        the same number of events on the same span (seeded with ``seed``); the prior is placed
        so that a fraction p0 of them give more than one block (``calibration_rate``).
    level : coverage of the exact Poisson rate intervals.
    threads : calibration threads (0: all); results are identical for any count.
    """
    series = _series(times_or_series)
    if ncp_prior is not None:
        ncp_prior = _float(ncp_prior, "ncp_prior")
    p0 = _float(p0, "p0")
    if not 0.0 < p0 < 1.0:
        raise ValueError(f"p0: must be in (0, 1), got {p0!r}")
    raw = _bu.bayesian_blocks(
        series._impl,
        p0=p0,
        ncp_prior=ncp_prior,
        calibrate=bool(calibrate),
        n_calibration=check_count(n_calibration, "n_calibration", 20),
        seed=check_count(seed, "seed"),
        threads=check_count(threads, "threads"),
        level=_level(level),
    )
    return BayesianBlocks(**raw, series=series)


# --------------------------------------------------------------------------- Kleinberg


@dataclass(frozen=True, eq=False)
class Bursts:
    """Kleinberg bursts: one row per burst (``level`` >= 1, ``start``/``end`` absolute times of
    the lookups opening and closing it, ``n_events``, ``rate``). ``states`` is the Viterbi
    level of every gap; ``gap_rates`` the rate of each level (base rate times s^level)."""

    level: np.ndarray
    start: np.ndarray
    end: np.ndarray
    n_events: np.ndarray
    rate: np.ndarray
    states: np.ndarray = field(repr=False)
    gap_rates: np.ndarray
    base_rate: float
    cost: float
    s: float
    gamma: float
    levels: int
    series: EventSeries | None = field(default=None, repr=False)

    @property
    def n_bursts(self) -> int:
        return len(self.level)

    def to_dict(self) -> dict[str, Any]:
        return {
            "bursts": [
                {
                    "level": int(self.level[i]),
                    "start": float(self.start[i]),
                    "end": float(self.end[i]),
                    "n_events": int(self.n_events[i]),
                    "rate": _scalar(float(self.rate[i])),
                }
                for i in range(self.n_bursts)
            ],
            "gap_rates": _clean(self.gap_rates),
            "base_rate": float(self.base_rate),
            "cost": float(self.cost),
            "s": float(self.s),
            "gamma": float(self.gamma),
            "levels": int(self.levels),
        }

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {
                "level": self.level,
                "start": self.start,
                "end": self.end,
                "duration": self.end - self.start,
                "n_events": self.n_events,
                "rate": self.rate,
            }
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """Bursts as bars at their level over the event raster."""
        from .plotting import new_axes

        ax = new_axes(ax)
        for i in range(self.n_bursts):
            ax.fill_between(
                [self.start[i], self.end[i]],
                self.level[i] - 0.4,
                self.level[i] + 0.4,
                color=f"C{int(self.level[i])}",
                alpha=0.5,
                lw=0,
            )
        _raster(ax, self.series, 1.0 / 0.06 * 0.3)
        ax.set_yticks(range(1, self.levels))
        ax.set_ylim(0, self.levels)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("burst level")
        ax.set_title(f"Kleinberg bursts (s = {self.s:g}, gamma = {self.gamma:g}): {self.n_bursts}")
        return ax

    def _repr_html_(self) -> str:
        top = int(np.max(self.level)) if self.n_bursts else 0
        return _html_table(
            "Bursts (Kleinberg)",
            {
                "bursts": self.n_bursts,
                "highest level": top,
                "base rate (events/s)": self.base_rate,
                "s, gamma": f"{self.s:g}, {self.gamma:g}",
            },
        )


def bursts(times_or_series: Any, *, s: float = 2.0, gamma: float = 1.0, levels: int = 2) -> Bursts:
    """Kleinberg's burst automaton (Viterbi on the gaps between lookups).

    Level i emits gaps at rate ``s**i`` times the average rate; moving up one level costs
    ``gamma * ln(n)`` (n gaps), moving down is free. A burst of level l is a maximal run of
    gaps at level >= l; levels nest. Outage time inside a gap is not counted.
    """
    series = _series(times_or_series)
    s = _float(s, "s")
    gamma = _float(gamma, "gamma")
    levels = check_count(levels, "levels", 2)
    raw = _bu.kleinberg(series._impl, s=s, gamma=gamma, levels=levels)
    return Bursts(
        level=raw["level"],
        start=raw["start"],
        end=raw["end"],
        n_events=raw["n_events"],
        rate=raw["rate"],
        states=raw["states"],
        gap_rates=raw["gap_rates"],
        base_rate=raw["base_rate"],
        cost=raw["cost"],
        s=s,
        gamma=gamma,
        levels=levels,
        series=series,
    )


# --------------------------------------------------------------------------- PELT


@dataclass(frozen=True, eq=False)
class ChangePoints:
    """PELT change points of the binned Poisson rate: ``change_points`` (absolute times where
    a segment starts) and per segment ``start``, ``end``, ``count``, ``exposure`` (observed
    seconds), ``rate`` with its exact Poisson interval at ``level``. ``penalty`` is the cost of
    one change point (``penalty_name``: bic = 2 ln n_bins, aic = 4, or value)."""

    change_points: np.ndarray
    start: np.ndarray
    end: np.ndarray
    count: np.ndarray
    exposure: np.ndarray
    rate: np.ndarray
    rate_low: np.ndarray
    rate_high: np.ndarray
    bin_width: float
    n_bins: int
    penalty: float
    penalty_name: str
    cost: float
    level: float
    series: EventSeries | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "change_points": _clean(self.change_points),
            "segments": self.to_pandas().to_dict(orient="list"),
            "bin_width": float(self.bin_width),
            "n_bins": int(self.n_bins),
            "penalty": float(self.penalty),
            "penalty_name": self.penalty_name,
            "cost": float(self.cost),
            "level": float(self.level),
        }

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {
                "start": self.start,
                "end": self.end,
                "count": self.count,
                "exposure": self.exposure,
                "rate": self.rate,
                "rate_low": self.rate_low,
                "rate_high": self.rate_high,
            }
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """Segment rates as steps with their Poisson intervals, over the event raster."""
        from .plotting import new_axes

        ax = new_axes(ax)
        _steps(ax, self.start, self.end, self.rate, self.rate_low, self.rate_high, "segment rate")
        for t in self.change_points:
            ax.axvline(t, color="C3", lw=0.8, ls="--")
        _raster(ax, self.series, float(np.nanmax(self.rate_high)) if len(self.rate) else 1.0)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("rate (events / s)")
        ax.set_title(f"PELT ({self.penalty_name}): {len(self.change_points)} change points")
        return ax

    def _repr_html_(self) -> str:
        return _html_table(
            "ChangePoints (PELT, Poisson cost)",
            {
                "change points": len(self.change_points),
                "bins": self.n_bins,
                "bin width (s)": self.bin_width,
                "penalty": f"{self.penalty_name} ({self.penalty:.4g})",
                "cost": self.cost,
            },
        )


def change_points(
    times_or_series: Any,
    *,
    bin_width: float | None = None,
    penalty: str | float = "bic",
    min_size: int = 2,
    level: float = 0.95,
) -> ChangePoints:
    """PELT change points of the lookup rate, Poisson cost on binned counts.

    Parameters
    ----------
    bin_width : seconds; None: the window cut into clamp(N / 2, 16, 4096) bins.
    penalty : "bic" (2 ln n_bins), "aic" (4) or a number >= 0: the cost of one change point,
        on the scale of twice the negative Poisson log-likelihood.
    min_size : the fewest bins in a segment (>= 1).
    """
    series = _series(times_or_series)
    width = 0.0
    if bin_width is not None:
        width = _float(bin_width, "bin_width")
        if width <= 0.0:
            raise ValueError(f"bin_width: must be positive, got {bin_width!r}")
    if isinstance(penalty, str):
        name, value = check_choice(penalty, "penalty", ("bic", "aic")), 0.0
    else:
        name, value = "value", _float(penalty, "penalty")
        if value < 0.0:
            raise ValueError(f"penalty: must be >= 0, got {penalty!r}")
    raw = _bu.change_points(
        series._impl,
        bin_width=width,
        penalty=name,
        penalty_value=value,
        min_size=check_count(min_size, "min_size", 1),
        level=_level(level),
    )
    return ChangePoints(**raw, series=series)


# --------------------------------------------------------------------------- outages


@dataclass(frozen=True, eq=False)
class Outages:
    """Every silence examined (``table``: start, end, length, context_events,
    context_exposure, rate, expected, p_value, p_sidak, p_bonferroni, edge, significant), in
    time order. ``significant`` uses p_sidak < alpha over the ``n_examined`` silences."""

    table: dict[str, np.ndarray] = field(repr=False)
    n_examined: int
    context: float
    alpha: float
    null: str
    both_sides: bool = False
    series: EventSeries | None = field(default=None, repr=False)

    @property
    def n_outages(self) -> int:
        return int(np.count_nonzero(self.table["significant"]))

    def to_pandas(self, *, only_significant: bool = False) -> pd.DataFrame:
        import pandas as pd

        frame = pd.DataFrame(self.table)
        if only_significant:
            frame = frame[frame["significant"]].sort_values("p_value")
        return frame

    def to_dict(self) -> dict[str, Any]:
        """The significant silences (all columns) and the family size."""
        frame = self.to_pandas(only_significant=True)
        return {
            "outages": [
                {
                    k: (bool(v) if isinstance(v, (bool, np.bool_)) else float(v))
                    for k, v in row.items()
                }
                for row in frame.to_dict(orient="records")
            ],
            "n_examined": int(self.n_examined),
            "min_p_sidak": _scalar(float(np.min(self.table["p_sidak"])))
            if self.n_examined
            else None,
            "context": float(self.context),
            "alpha": float(self.alpha),
            "both_sides": bool(self.both_sides),
            "null": self.null,
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """The event raster with significant silences shaded."""
        from .plotting import new_axes

        ax = new_axes(ax)
        _raster(ax, self.series, 1.0 / 0.06)
        sig = self.table["significant"]
        for a, b, p in zip(
            self.table["start"][sig],
            self.table["end"][sig],
            self.table["p_sidak"][sig],
            strict=True,
        ):
            ax.axvspan(a, b, color="C3", alpha=0.3)
            ax.text(0.5 * (a + b), 0.5, f"p={p:.2g}", ha="center", fontsize=8)
        ax.set_yticks([])
        ax.set_xlabel("time (s)")
        ax.set_title(
            f"{self.n_outages} outages of {self.n_examined} silences (Sidak, alpha {self.alpha:g})"
        )
        return ax

    def _repr_html_(self) -> str:
        return _html_table(
            "Outages",
            {
                "silences examined": self.n_examined,
                "significant (Sidak)": self.n_outages,
                "smallest p_sidak": float(np.min(self.table["p_sidak"]))
                if self.n_examined
                else float("nan"),
                "context (s)": self.context,
                "null": self.null,
            },
        )


def outages(
    times_or_series: Any,
    *,
    alpha: float = 0.05,
    context: float | None = None,
    edges: bool = True,
    both_sides: bool = False,
) -> Outages:
    """Silences too long for the surrounding rate.

    For a silence of observed length g, n lookups in the ``context`` seconds of observed time
    on either side (exposure E; default 20 mean gaps) give p = (E / (E + g))^n: under a
    homogeneous Poisson process over the silence and its context, the chance that none of
    the lookups fell in the silence. p_sidak and p_bonferroni correct over every silence
    examined (all positive gaps, plus the stretches before the first and after the last
    lookup when ``edges``). Unobserved time (the series' own gaps) is never a silence.

    A burst beside a silence raises the pooled context rate, so an ordinary gap next to a
    burst can look too long. ``both_sides=True`` asks whether the silence is too long for
    each neighbour alone: p = max(p_left, p_right), an intersection-union test (valid and
    conservative under the null; edge silences keep the pooled p).
    """
    series = _series(times_or_series)
    alpha = _float(alpha, "alpha")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha: must be in (0, 1), got {alpha!r}")
    ctx = 0.0
    if context is not None:
        ctx = _float(context, "context")
        if ctx <= 0.0:
            raise ValueError(f"context: must be positive, got {context!r}")
    raw = _bu.outages(
        series._impl, context=ctx, alpha=alpha, edges=bool(edges), both_sides=bool(both_sides)
    )
    columns = (
        "start",
        "end",
        "length",
        "context_events",
        "context_exposure",
        "rate",
        "expected",
        "p_value",
        "p_sidak",
        "p_bonferroni",
    )
    table = {k: raw[k] for k in columns}
    table["edge"] = raw["edge"].astype(bool)
    table["significant"] = raw["significant"].astype(bool)
    return Outages(
        table=table,
        n_examined=raw["n_examined"],
        context=raw["context"],
        alpha=raw["alpha"],
        null=raw["null"],
        both_sides=raw["both_sides"],
        series=series,
    )


# --------------------------------------------------------------------------- first lookup


@dataclass(frozen=True, eq=False)
class FirstLookup:
    """The delay from ``reference`` to the first lookup and its p-values under a Poisson rate:
    ``p_early`` = P(D <= delay), ``p_late`` = P(D >= delay), ``p_two_sided``; ``p_value`` is
    the one ``alternative`` asked for."""

    reference: float
    first: float
    delay: float
    rate: float
    expected_delay: float
    p_early: float
    p_late: float
    p_two_sided: float
    p_value: float
    alternative: str
    null: str

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([self.to_dict()])

    def _repr_html_(self) -> str:
        return _html_table(
            "FirstLookup",
            {
                "delay (s)": self.delay,
                "expected delay (s)": self.expected_delay,
                f"p ({self.alternative})": self.p_value,
                "null": self.null,
            },
        )


def _instant(value: Any, name: str) -> float:
    from ._timeconv import NS_PER_S, is_datetime_like, scalar_to_utc_ns

    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return _float(value, name)
    if is_datetime_like([value]) or isinstance(value, (str, np.datetime64)):
        return scalar_to_utc_ns(value, name) / NS_PER_S
    raise TypeError(f"{name}: expected epoch seconds or a date-time, got {value!r}")


def first_lookup(
    times_or_series: Any,
    *,
    reference: Any,
    rate: float | None = None,
    baseline: Any = None,
    alternative: str = "two-sided",
) -> FirstLookup:
    """How early (or late) the first lookup came after ``reference`` (e.g. a name's creation).

    Parameters
    ----------
    times_or_series : the lookups; the first one is used.
    reference : epoch seconds or a date-time; must not follow the first lookup.
    rate : the Poisson rate (events / s) under the null; or
    baseline : a series whose count over its observed time gives the rate (a plug-in: its
        sampling error is not propagated).
    alternative : "two-sided", "early" (p = P(D <= delay)) or "late" (p = P(D >= delay)).
    """
    series = _series(times_or_series)
    check_choice(alternative, "alternative", ALTERNATIVES)
    if (rate is None) == (baseline is None):
        raise ValueError("rate: give either rate or baseline, not both or neither")
    if rate is not None:
        value = _float(rate, "rate")
        if value <= 0.0:
            raise ValueError(f"rate: must be positive, got {rate!r}")
    else:
        value = _bu.baseline_rate(_series(baseline)._impl)
    ref = _instant(reference, "reference")
    first = float(series.origin + series.times[0])
    raw = _bu.first_lookup(ref, first, value)
    chosen = {"two-sided": "p_two_sided", "early": "p_early", "late": "p_late"}[alternative]
    return FirstLookup(
        reference=ref,
        first=first,
        p_value=raw[chosen],
        alternative=alternative,
        **raw,
    )
