"""Result objects of the daily/weekly rhythm and the time-zone fit (see tealeaves.rhythm,
which re-exports them)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .results import _html_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["CircularTest", "RhythmResult", "TimezoneFit"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EMPTY = np.zeros(0)


# -- results ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CircularTest:
    """One test: statistic, p-value and the null it was computed under."""

    name: str
    statistic: float
    p_value: float
    null: str
    dof: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "statistic": _num(self.statistic),
            "p_value": _num(self.p_value),
            "null": self.null,
            "dof": None if self.dof is None else _num(self.dof),
        }


def _num(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass(frozen=True, eq=False)
class RhythmResult:
    """Profiles in local time and tests of the daily and weekly rhythm.

    ``daily_*`` have ``bins`` entries (bin k covers local hours [24k/bins, 24(k+1)/bins));
    ``weekday_*`` are Monday..Sunday; ``week_counts``/``week_exposure`` are 7 x 24 (weekday,
    hour). Exposure is observed seconds per local bin; rate = counts / exposure per hour.
    ``von_mises`` holds mu (hours), kappa and Wald intervals at ``level``.
    """

    zone: str
    bins: int
    collapse_within: float
    n_events: int
    n_sessions: int
    daily_counts: np.ndarray
    daily_exposure: np.ndarray
    weekday_counts: np.ndarray
    weekday_exposure: np.ndarray
    week_counts: np.ndarray
    week_exposure: np.ndarray
    mean_hour: float
    rayleigh: CircularTest
    kuiper: CircularTest
    v_test: CircularTest | None
    chi2_daily: CircularTest
    chi2_weekly: CircularTest
    von_mises: dict[str, float] = field(default_factory=dict)

    @property
    def daily_rate(self) -> np.ndarray:
        """Sessions per hour of exposure in each time-of-day bin (NaN without exposure)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(
                self.daily_exposure > 0, self.daily_counts / self.daily_exposure * 3600, np.nan
            )

    @property
    def weekday_rate(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(
                self.weekday_exposure > 0,
                self.weekday_counts / self.weekday_exposure * 3600,
                np.nan,
            )

    @property
    def bin_hours(self) -> np.ndarray:
        """Start of each time-of-day bin, local hours."""
        return np.arange(self.bins) * 24.0 / self.bins

    @property
    def peak_hour(self) -> float:
        """Start (local hours) of the time-of-day bin with the highest rate."""
        return float(self.bin_hours[int(np.nanargmax(self.daily_rate))])

    @property
    def tests(self) -> dict[str, CircularTest]:
        out = {
            "rayleigh": self.rayleigh,
            "kuiper": self.kuiper,
            "chi2_daily": self.chi2_daily,
            "chi2_weekly": self.chi2_weekly,
        }
        if self.v_test is not None:
            out["v_test"] = self.v_test
        return out

    def to_pandas(self) -> pd.DataFrame:
        """One row per time-of-day bin, then one per weekday (column ``profile``)."""
        import pandas as pd

        daily = pd.DataFrame(
            {
                "profile": "time_of_day",
                "bin": [f"{h:05.2f}" for h in self.bin_hours],
                "count": self.daily_counts,
                "exposure_s": self.daily_exposure,
                "rate_per_hour": self.daily_rate,
            }
        )
        weekly = pd.DataFrame(
            {
                "profile": "weekday",
                "bin": list(WEEKDAYS),
                "count": self.weekday_counts,
                "exposure_s": self.weekday_exposure,
                "rate_per_hour": self.weekday_rate,
            }
        )
        return pd.concat([daily, weekly], ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "bins": self.bins,
            "collapse_within": self.collapse_within,
            "n_events": self.n_events,
            "n_sessions": self.n_sessions,
            "daily_counts": self.daily_counts.tolist(),
            "daily_exposure": self.daily_exposure.tolist(),
            "weekday_counts": self.weekday_counts.tolist(),
            "weekday_exposure": self.weekday_exposure.tolist(),
            "week_counts": self.week_counts.tolist(),
            "mean_hour": _num(self.mean_hour),
            "peak_hour": self.peak_hour if self.n_sessions else None,
            "von_mises": {k: _num(v) for k, v in self.von_mises.items()},
            "tests": {k: t.to_dict() for k, t in self.tests.items()},
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """Time-of-day and weekday rates as bars (two panels unless ``ax`` is given)."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.2), width_ratios=[3, 1])
        else:
            ax2 = ax.inset_axes((0.72, 0.55, 0.26, 0.4))
        width = 24.0 / self.bins
        ax.bar(self.bin_hours, self.daily_rate, width=width, align="edge")
        ax.set_xlabel(f"local hour ({self.zone})")
        ax.set_ylabel("sessions per hour")
        ax.set_xlim(0, 24)
        ax.set_title(f"Rayleigh p = {self.rayleigh.p_value:.3g}")
        ax2.bar(range(7), self.weekday_rate)
        ax2.set_xticks(range(7), [d[0] for d in WEEKDAYS])
        return ax

    def _repr_html_(self) -> str:
        rows: dict[str, Any] = {
            "zone": self.zone,
            "events / sessions": f"{self.n_events} / {self.n_sessions}",
            "mean hour": self.mean_hour,
        }
        for name, t in self.tests.items():
            rows[f"{name} p"] = t.p_value
        return _html_table("Daily / weekly rhythm", rows)


@dataclass(frozen=True, eq=False)
class TimezoneFit:
    """Best UTC offset for a working-week template, with interval, two zones and p-values.

    ``loglik`` is the Poisson log-likelihood of the 15-minute hour-of-week table at each offset
    (levels fitted); the interval holds offsets with 2 (max - ll) <= chi2_1(level), contiguous
    around the best, wrapping by 24 h at the grid ends (``interval_wraps``). ``p_value``: null
    circular shift (see ``null``); ``p_value_poisson``: sessions uniform over the observed time.
    Two zones: best pair (offset1 < offset2, at least ``min_separation_hours`` apart), weight of
    offset1, LR statistic, BIC of each model and a parametric-bootstrap p-value (``two_null``).
    ``zone_loglik``: log-likelihood in each named zone, DST-aware.
    """

    offsets_hours: np.ndarray
    loglik: np.ndarray
    best_offset_hours: float
    interval_hours: tuple[float, float]
    interval_wraps: bool
    statistic: float
    p_value: float
    null: str
    p_value_poisson: float
    null_poisson: str
    n_events: int
    n_sessions: int
    template: str
    two_zones: dict[str, Any] | None
    zone_loglik: dict[str, float] = field(default_factory=dict)
    levels: np.ndarray = field(default_factory=lambda: _EMPTY)

    @property
    def two_zones_preferred(self) -> bool:
        """True when the calibrated (bootstrap) test prefers two zones."""
        return bool(self.two_zones and self.two_zones["preferred_test"])

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame({"offset_hours": self.offsets_hours, "loglik": self.loglik})

    def to_dict(self) -> dict[str, Any]:
        two = None
        if self.two_zones is not None:
            two = {k: (_num(v) if isinstance(v, float) else v) for k, v in self.two_zones.items()}
        return {
            "template": self.template,
            "n_events": self.n_events,
            "n_sessions": self.n_sessions,
            "offsets_hours": self.offsets_hours.tolist(),
            "loglik": [_num(v) for v in self.loglik],
            "best_offset_hours": self.best_offset_hours,
            "interval_hours": list(self.interval_hours),
            "interval_wraps": self.interval_wraps,
            "statistic": _num(self.statistic),
            "p_value": _num(self.p_value),
            "null": self.null,
            "p_value_poisson": _num(self.p_value_poisson),
            "null_poisson": self.null_poisson,
            "two_zones": two,
            "zone_loglik": {k: _num(v) for k, v in self.zone_loglik.items()},
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """The log-likelihood curve over offsets, with the best offset and its interval."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3))
        ll = np.where(np.isfinite(self.loglik), self.loglik, np.nan)
        ax.plot(self.offsets_hours, ll - np.nanmax(ll), marker=".")
        ax.axvline(self.best_offset_hours, color="k", lw=0.8)
        lo, hi = self.interval_hours
        if not self.interval_wraps:
            ax.axvspan(lo, hi, alpha=0.15)
        ax.set_xlabel("UTC offset (hours)")
        ax.set_ylabel("log-likelihood - max")
        ax.set_title(f"best UTC{self.best_offset_hours:+g}, p = {self.p_value:.3g}")
        return ax

    def _repr_html_(self) -> str:
        rows: dict[str, Any] = {
            "best offset (h)": self.best_offset_hours,
            "interval (h)": f"[{self.interval_hours[0]:g}, {self.interval_hours[1]:g}]",
            "p (circular shift)": self.p_value,
            "p (poisson)": self.p_value_poisson,
            "sessions": self.n_sessions,
        }
        if self.two_zones is not None:
            rows["two zones"] = (
                f"UTC{self.two_zones['offset1_hours']:+g} & "
                f"UTC{self.two_zones['offset2_hours']:+g}, p = {self.two_zones['p_value']:.3g}"
            )
        for name, v in self.zone_loglik.items():
            rows[f"ll {name}"] = v
        return _html_table("Time-zone fit", rows)
