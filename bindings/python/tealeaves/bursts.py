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
from typing import Any

import numpy as np

from . import _core
from ._bursts_results import BayesianBlocks, Bursts, ChangePoints, FirstLookup, Outages
from ._series_input import as_series
from ._validation import check_choice, check_count
from .series import EventSeries

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


# --------------------------------------------------------------------------- Bayesian Blocks


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
