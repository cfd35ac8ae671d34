"""Daily and weekly rhythm: do the lookups keep office hours, and in which time zone?

``rhythm`` gives the time-of-day and weekday profiles in a local clock (any IANA zone through
``zoneinfo``, daylight saving included, or a fixed offset in hours) with the exposure of each
bin, circular statistics of the daily phase (Rayleigh, V-test, Kuiper, von Mises fit) and
chi-square tests against exposure. ``fit_timezone`` scans UTC offsets for the best fit of a
working-week template, with a profile-likelihood interval, a two-zone model and Monte-Carlo
significance.

Independence: the tests assume independent events and lookups come in bursts, so by default
only the first lookup of each burst (a "session": a new one starts after ``collapse_within``
seconds without lookups) is counted; ``n_events`` and ``n_sessions`` are both reported. Every
p-value states its null in a ``null`` field; each is a single test (no multiplicity
correction; combine several with ``tealeaves.multiple_testing``).
"""

from __future__ import annotations

import datetime as _dt
import math
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._series_input import as_series
from .results import _html_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

_rh = _core.rhythm

__all__ = ["CircularTest", "RhythmResult", "TimezoneFit", "fit_timezone", "rhythm"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EMPTY = np.zeros(0)


# -- the local clock ----------------------------------------------------------------------
@dataclass(frozen=True)
class _Clock:
    name: str
    utc_offset: float
    change_times: np.ndarray
    change_offsets: np.ndarray

    def offsets_at(self, utc: np.ndarray) -> np.ndarray:
        """Offset (seconds) at each absolute UTC time."""
        if self.change_times.size == 0:
            return np.full(utc.shape, self.utc_offset)
        values = np.concatenate([[self.utc_offset], self.change_offsets])
        return values[np.searchsorted(self.change_times, utc, side="right")]

    def kwargs(self) -> dict[str, Any]:
        return {
            "utc_offset": self.utc_offset,
            "change_times": self.change_times,
            "change_offsets": self.change_offsets,
        }


def _zone_offset(zone: zoneinfo.ZoneInfo, t: float) -> float:
    when = _dt.datetime.fromtimestamp(t, tz=_dt.timezone.utc).astimezone(zone)
    delta = when.utcoffset()
    return 0.0 if delta is None else delta.total_seconds()


def _make_clock(tz: Any, start: float, end: float, name: str = "tz") -> _Clock:
    """A step function of offsets over [start, end]: hourly samples, transitions to 1 s."""
    if isinstance(tz, (int, float, np.integer, np.floating)) and not isinstance(tz, bool):
        hours = float(tz)
        if not math.isfinite(hours) or abs(hours) > 26:
            raise ValueError(f"{name}: a fixed offset must be finite hours within +-26, got {tz!r}")
        return _Clock(f"UTC{hours:+g}", hours * 3600.0, _EMPTY, _EMPTY)
    if not isinstance(tz, str):
        raise ValueError(f"{name}: expected an IANA zone name or an offset in hours, got {tz!r}")
    if tz.upper() == "UTC":
        return _Clock("UTC", 0.0, _EMPTY, _EMPTY)
    try:
        zone = zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{name}: unknown time zone {tz!r}") from exc
    lo, hi = math.floor(start / 3600.0) * 3600.0, math.ceil(end / 3600.0) * 3600.0 + 3600.0
    grid = np.arange(lo, hi + 1.0, 3600.0)
    offs = np.array([_zone_offset(zone, float(t)) for t in grid])
    times: list[float] = []
    values: list[float] = []
    for k in np.flatnonzero(np.diff(offs) != 0):
        a, b = float(grid[k]), float(grid[k + 1])  # offset changes in (a, b]
        while b - a > 1.0:
            mid = math.floor((a + b) / 2.0)
            if _zone_offset(zone, mid) == offs[k]:
                a = mid
            else:
                b = mid
        times.append(b)
        values.append(float(offs[k + 1]))
    return _Clock(tz, float(offs[0]), np.asarray(times), np.asarray(values))


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


# -- entry points -------------------------------------------------------------------------
def _check_collapse(collapse_within: Any) -> float:
    value = float(collapse_within)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"collapse_within: must be finite seconds >= 0, got {collapse_within!r}")
    return value


def _test(name: str, d: dict[str, Any], dof: float | None = None) -> CircularTest:
    return CircularTest(name, float(d["statistic"]), float(d["p_value"]), str(d["null"]), dof)


def rhythm(
    times_or_series: Any,
    *,
    tz: Any = "UTC",
    bins: int = 24,
    collapse_within: float = 300.0,
    mean_direction_hours: float | None = None,
) -> RhythmResult:
    """Time-of-day and weekday profiles in local time, with circular and chi-square tests.

    Parameters
    ----------
    times_or_series : EventSeries, epoch seconds or date-times
    tz : str or float
        IANA zone (``"Europe/Berlin"``; DST-aware: each event gets the offset in force at its
        time, and exposure follows the clock) or a fixed offset in hours east of UTC.
    bins : int
        Time-of-day bins (24 = hours).
    collapse_within : float
        Seconds: only the first event of each burst counts (0 keeps every event).
    mean_direction_hours : float, optional
        Local hour for the V-test (e.g. 13.5); None skips it.

    Notes
    -----
    Nulls: Rayleigh, V-test and the von Mises fit use the classic uniform-circle null
    (exposure ignored; the window should cover whole days); Kuiper and both chi-square tests
    are exposure-weighted ("uniform in local clock time, exposure-weighted, independent
    sessions"). Rayleigh p has Wilkie's small-n correction (n < 50), as astropy.
    """
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not 2 <= bins <= 86400:
        raise ValueError(f"bins: must be an integer in [2, 86400], got {bins!r}")
    collapse = _check_collapse(collapse_within)
    if mean_direction_hours is not None and not math.isfinite(float(mean_direction_hours)):
        raise ValueError("mean_direction_hours: must be finite")
    series = as_series(times_or_series)
    clock = _make_clock(tz, series.start, series.end)
    offsets = clock.offsets_at(series.absolute_times)
    d = _rh.analyze(
        series._impl,
        event_offsets=offsets,
        bins=int(bins),
        collapse_within=collapse,
        mean_direction_hours=None if mean_direction_hours is None else float(mean_direction_hours),
        **clock.kwargs(),
    )
    vm = d["von_mises"]
    to_h = 24.0 / (2.0 * math.pi)
    von_mises = {
        "mu_hours": vm["mu"] * to_h,
        "kappa": vm["kappa"],
        "r_bar": vm["r_bar"],
        "mu_low_hours": vm["mu_low"] * to_h,
        "mu_high_hours": vm["mu_high"] * to_h,
        "kappa_low": vm["kappa_low"],
        "kappa_high": vm["kappa_high"],
        "level": vm["level"],
    }
    return RhythmResult(
        zone=clock.name,
        bins=int(bins),
        collapse_within=collapse,
        n_events=int(d["n_events"]),
        n_sessions=int(d["n_sessions"]),
        daily_counts=d["daily"]["counts"],
        daily_exposure=d["daily"]["exposure"],
        weekday_counts=d["weekly"]["counts"],
        weekday_exposure=d["weekly"]["exposure"],
        week_counts=d["week_counts"].reshape(7, 24),
        week_exposure=d["week_exposure"].reshape(7, 24),
        mean_hour=float(d["mean_hour"]),
        rayleigh=_test("rayleigh", d["rayleigh"]),
        kuiper=_test("kuiper", d["kuiper"]),
        v_test=None if d["v_test"] is None else _test("v_test", d["v_test"]),
        chi2_daily=_test("chi2_daily", d["chi2_daily"], d["chi2_daily"]["dof"]),
        chi2_weekly=_test("chi2_weekly", d["chi2_weekly"], d["chi2_weekly"]["dof"]),
        von_mises=von_mises,
    )


_PARAMETRIC = {"office": (9.0, 18.0), "sleep": (1.0, 8.0)}


def _template(template: Any) -> tuple[np.ndarray | None, str]:
    if isinstance(template, str):
        if template not in _PARAMETRIC:
            raise ValueError(
                f"template: expected 'office', 'sleep' or a (7, 24) array, got {template!r}"
            )
        return None, template
    rates = np.asarray(template, dtype=float)
    if rates.shape != (7, 24):
        raise ValueError(f"template: expected shape (7, 24) (weekday x hour), got {rates.shape}")
    if not np.all(np.isfinite(rates)) or np.any(rates < 0) or not np.any(rates > 0):
        raise ValueError("template: rates must be finite, >= 0 and not all 0")
    return np.ascontiguousarray(rates.ravel()), "given"


def fit_timezone(
    times_or_series: Any,
    *,
    template: Any = "office",
    step_minutes: int = 15,
    two_zones: bool = True,
    n_surrogates: int = 199,
    seed: int = 0,
    threads: int = 0,
    collapse_within: float = 300.0,
    zones: list[str] | None = None,
    n_bootstrap: int = 99,
    min_separation_hours: float = 2.0,
) -> TimezoneFit:
    """Which UTC offset (-12 h .. +14 h) best explains the weekly pattern of the sessions?

    Parameters
    ----------
    template : "office", "sleep" or (7, 24) array
        "office": weekday 09-18 local, weekday off-hours and weekend rates fitted by maximum
        likelihood at each offset. "sleep": asleep 01-08 local every day, weekday awake and
        weekend awake rates (for people who are not office workers: the nightly trough fixes
        the zone). An array: relative rates per local weekday and hour
        (Monday first), e.g. ``rhythm(other).week_counts / rhythm(other).week_exposure``.
    step_minutes : 15, 30 or 60
        Offset grid step (must be a multiple of 15 dividing 60).
    two_zones : bool
        Fit the two-zone model (template in two offsets, each with its own rates) and test it
        by ``n_bootstrap`` parametric-bootstrap replicates from the fitted one-zone model.
    n_surrogates : int
        Circular-shift (and Poisson) surrogates for the p-values; 0 skips them.
    seed, threads
        Surrogate i and replicate i use their own random stream: identical for any threads.
    zones : list of IANA names, optional
        Also report the template's log-likelihood in each named zone, DST-aware.
    """
    rates, template_name = _template(template)
    hours = _PARAMETRIC.get(template_name, (9.0, 18.0))
    shape = {"sleep": template_name == "sleep", "work_start": hours[0], "work_end": hours[1]}
    if isinstance(step_minutes, bool) or step_minutes not in (15, 30, 60):
        raise ValueError(
            f"step_minutes: must be 15, 30 or 60 (a multiple of 15 dividing 60), "
            f"got {step_minutes!r}"
        )
    for name, value in (("n_surrogates", n_surrogates), ("n_bootstrap", n_bootstrap)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name}: must be an integer >= 0, got {value!r}")
    collapse = _check_collapse(collapse_within)
    series = as_series(times_or_series)
    clocks = [_make_clock(z, series.start, series.end, name="zones") for z in (zones or [])]
    d = _rh.fit_timezone(
        series._impl,
        template=rates,
        **shape,
        step_minutes=float(step_minutes),
        collapse_within=collapse,
        two_zones=bool(two_zones),
        min_separation_hours=float(min_separation_hours),
        n_bootstrap=int(n_bootstrap),
        n_surrogates=int(n_surrogates),
        seed=int(seed),
        threads=int(threads),
    )
    zone_ll = {}
    for clock in clocks:
        zone_ll[clock.name] = float(
            _rh.zone_loglik(
                series._impl,
                event_offsets=clock.offsets_at(series.absolute_times),
                template=rates,
                **shape,
                collapse_within=collapse,
                **clock.kwargs(),
            )
        )
    two = None
    if d["two_zone_fitted"]:
        two = {
            "offset1_hours": float(d["two_offset1_hours"]),
            "offset2_hours": float(d["two_offset2_hours"]),
            "weight": float(d["two_weight"]),
            "loglik": float(d["two_loglik"]),
            "lr_statistic": float(d["lr_statistic"]),
            "bic_one": float(d["bic_one"]),
            "bic_two": float(d["bic_two"]),
            "preferred_bic": bool(d["two_preferred_bic"]),
            "p_value": float(d["two_p_value"]),
            "n_bootstrap": int(d["n_bootstrap"]),
            "preferred_test": bool(d["two_preferred_test"]),
            "null": str(d["two_null"]),
        }
    return TimezoneFit(
        offsets_hours=d["offsets_hours"],
        loglik=d["loglik"],
        best_offset_hours=float(d["best_offset_hours"]),
        interval_hours=(float(d["interval_low_hours"]), float(d["interval_high_hours"])),
        interval_wraps=bool(d["interval_wraps"]),
        statistic=float(d["statistic"]),
        p_value=float(d["p_value"]),
        null=str(d["null"]),
        p_value_poisson=float(d["p_value_poisson"]),
        null_poisson=str(d["null_poisson"]),
        n_events=int(d["n_events"]),
        n_sessions=int(d["n_sessions"]),
        template=template_name,
        two_zones=two,
        zone_loglik=zone_ll,
        levels=d["best_levels"],
    )
