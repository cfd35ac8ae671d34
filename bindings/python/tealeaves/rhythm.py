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
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _core
from ._rhythm_results import _EMPTY, CircularTest, RhythmResult, TimezoneFit
from ._rhythm_results import WEEKDAYS as WEEKDAYS
from ._series_input import as_series

_rh = _core.rhythm

__all__ = ["CircularTest", "RhythmResult", "TimezoneFit", "fit_timezone", "rhythm"]


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
