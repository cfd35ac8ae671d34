"""Surrogate event series: random series that keep one property of the observed series and
destroy another, to ask "how often would chance (of this kind) produce what I see?".

Every function returns a new :class:`tealeaves.EventSeries` with the same window, outages
(good-time intervals) and number of stored events as its input; no event is ever placed in an
outage. Each generated event has multiplicity 1. ``seed`` and ``stream`` select the random
stream: ``mc_test`` draws surrogate ``i`` from ``(seed, stream=i)``, so any surrogate it used
can be regenerated here.

=================  ==============================================  ================================
generator          keeps                                           kills
=================  ==============================================  ================================
poisson            count, window, outages                          rhythm, periods, bursts, memory
routine            count, rate per hour of the local week          periods (other than divisors of
                   (daily x weekly profile, from the series)       a week), bursts, memory
smoothed_rate      count, rate smoothed by a Gaussian kernel       structure faster than bandwidth
shuffle            per interval: first event, multiset of gaps     order of gaps: memory, phase
dither             count per interval, structure slower than delta sub-delta timing
circular_shift     all internal structure (rotation in good time)  alignment to outside events
block_bootstrap    gap distribution, memory within blocks          memory beyond block_length gaps
=================  ==============================================  ================================

For binned series (counts, rates) the Fourier surrogates live here too: ``phase_randomized``
(keeps the periodogram exactly), ``aaft`` and ``iaaft`` (keep the value distribution exactly and
the spectrum approximately; Schreiber & Schmitz 1996).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from . import _core
from ._series_input import as_series
from .binned_surrogates import IAAFTSurrogates, aaft, iaaft, phase_randomized
from .series import EventSeries

_nullmodel = _core.nullmodel

NULLS = (
    "poisson",
    "routine",
    "smoothed_rate",
    "shuffle",
    "dither",
    "circular_shift",
    "block_bootstrap",
)


def _seconds(value: Any, name: str) -> float:
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (str, bytes, bool)):
        raise TypeError(f"{name}: expected seconds (a number or timedelta), got {value!r}")
    return float(value)


def _draw(times_or_series: Any, null: str, seed: int, stream: int, **options: Any) -> EventSeries:
    series = as_series(times_or_series)
    impl = _nullmodel.surrogate(series._impl, null, seed=int(seed), stream=int(stream), **options)
    return EventSeries._wrap(impl, series._is_datetime)


def poisson(series: Any, *, seed: int, stream: int = 0) -> EventSeries:
    """Homogeneous Poisson: the same number of events uniform over the observed time."""
    return _draw(series, "poisson", seed, stream)


def routine(
    series: Any,
    *,
    seed: int,
    stream: int = 0,
    utc_offset: Any = 0.0,
    weekly: bool = True,
    smoothing_hours: float = 0.0,
) -> EventSeries:
    """Inhomogeneous Poisson with the series' own rate per hour of the week (or of the day when
    ``weekly=False``), in local time = UTC + ``utc_offset`` (seconds or a timedelta), the profile
    optionally smoothed by a circular Gaussian of ``smoothing_hours``. Keeps the daily routine,
    kills any periodicity within it."""
    return _draw(
        series,
        "routine",
        seed,
        stream,
        utc_offset_seconds=_seconds(utc_offset, "utc_offset"),
        weekly=bool(weekly),
        smoothing_hours=float(smoothing_hours),
    )


def smoothed_rate(series: Any, *, seed: int, bandwidth: Any, stream: int = 0) -> EventSeries:
    """Inhomogeneous Poisson from a Gaussian kernel estimate of the rate (sigma ``bandwidth``
    seconds), restricted to the observed time: keeps slow changes, kills faster structure."""
    return _draw(series, "smoothed_rate", seed, stream, bandwidth=_seconds(bandwidth, "bandwidth"))


def shuffle(series: Any, *, seed: int, stream: int = 0) -> EventSeries:
    """Inter-arrival shuffle: within each good-time interval the first event stays and the gaps
    are permuted. Keeps the gap distribution (B, CV) exactly, kills memory and phase coherence."""
    return _draw(series, "shuffle", seed, stream)


def dither(series: Any, *, seed: int, delta: Any, stream: int = 0) -> EventSeries:
    """Each event moves by uniform(-delta, +delta) seconds, reflected at the edges of its own
    good-time interval (so never into an outage)."""
    return _draw(series, "dither", seed, stream, delta=_seconds(delta, "delta"))


def circular_shift(series: Any, *, seed: int, stream: int = 0) -> EventSeries:
    """Rotates all events by one uniform shift along the good time (outages skipped, wrapping
    around the end): keeps everything internal, kills alignment with outside events."""
    return _draw(series, "circular_shift", seed, stream)


def block_bootstrap(
    series: Any, *, seed: int, block_length: int = 10, stream: int = 0
) -> EventSeries:
    """Gaps resampled in circular blocks of ``block_length`` consecutive gaps, rescaled so each
    good-time interval keeps its first and last event: keeps the gap distribution and memory
    shorter than a block."""
    if int(block_length) < 1:
        raise ValueError(f"block_length: must be >= 1, got {block_length!r}")
    return _draw(series, "block_bootstrap", seed, stream, block_length=int(block_length))


__all__ = [
    "NULLS",
    "IAAFTSurrogates",
    "aaft",
    "block_bootstrap",
    "circular_shift",
    "dither",
    "iaaft",
    "phase_randomized",
    "poisson",
    "routine",
    "shuffle",
    "smoothed_rate",
]
