"""Result objects of the burst and outage analyses (see tealeaves.bursts, which re-exports them).

Every rate carries an exact (Garwood) Poisson interval; every p-value states its null in the
result's ``null`` field. Times in results are absolute (the input's epoch seconds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .results import _html_table
from .series import EventSeries

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["BayesianBlocks", "Bursts", "ChangePoints", "FirstLookup", "Outages"]


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
