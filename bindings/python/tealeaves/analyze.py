"""The main job: every (client, qname) series of a log: its verdict with the evidence, its
periods (event times, with structured nulls), gap models, activity (time of day, Bayesian
Blocks, rate change points, silences) and the spectral peaks of its counts; and, across series
that share a name, which pairs move in lockstep. The JSON keys stay stable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _core
from .bursts import bayesian_blocks, change_points, outages
from .interarrivals import interarrival
from .lockstep import lockstep
from .periodicity import detect_periods, periodic_spans
from .rhythm import rhythm
from .series import EventSeries
from .spectral import bin_events, periodogram
from .verdict import verdict

# Spectra stay below this many bins; the bin width grows for long logs instead.
MAX_BINS = 1 << 20
MAX_FREQUENCIES = 2_000_000  # Z^2 grid budget: long logs search from a longer shortest period
MAX_BLOCK_CELLS = 4000  # Bayesian Blocks cells (the dynamic programme is quadratic)
DAILY_CHANGE_POINTS = 14 * 86400.0  # series spanning this long get daily bins for PELT
PAIR_MIN_EVENTS = 20  # both series of a lockstep pair need this many lookups
MAX_PAIRS = 10  # lockstep pairs tested, largest series first
PAIR_TOLERANCE = 2.0  # seconds: the lockstep window +-tolerance
PAIR_BUDGET = 2e8  # lookups x surrogates over all pairs (~ 20 s): bounds the cost of big logs


def z2_fmax(duration: float, machine_period: float | None = None) -> float:
    """Highest frequency of the period search: 0.5 Hz (2 s periods), raised to 1.25 / P (at
    most 1 Hz, the verdict's shortest period) when the verdict found a machine period P under
    2.5 s, and lowered for long series so that the grid (5 frequencies per 1 / duration) stays
    within ``MAX_FREQUENCIES``."""
    top = 0.5
    if machine_period is not None and math.isfinite(machine_period) and machine_period > 0:
        top = min(max(top, 1.25 / machine_period), 1.0)
    return min(top, MAX_FREQUENCIES / (5.0 * duration))


_NICE_WIDTHS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


def auto_bin_width(duration: float, *, finest: float = 1.0) -> float:
    """The finest "nice" width (1 s, 2 s, 5 s, ... 1 h, then whole hours) within MAX_BINS."""
    need = max(finest, duration / MAX_BINS)
    for width in _NICE_WIDTHS:
        if width >= need:
            return float(width)
    return float(math.ceil(need / 3600.0) * 3600)


@dataclass(frozen=True)
class Peak:
    period_s: float
    frequency_hz: float
    leahy_power: float
    p_single: float | None  # None where outages void the Poisson null of the binned counts
    p_global: float | None


@dataclass(frozen=True)
class SeriesSummary:
    client: str
    qname: str
    n_events: int
    start: float
    end: float
    bin_width: float
    n_frequencies: int
    peaks: list[Peak] = field(default_factory=list)
    repairs: dict[str, int] = field(default_factory=dict)
    status: str = "ok"
    periods: list[dict[str, Any]] = field(default_factory=list)
    ttl_floor: dict[str, Any] = field(default_factory=dict)
    gaps: dict[str, Any] = field(default_factory=dict)
    verdict: dict[str, Any] = field(default_factory=dict)
    activity: dict[str, Any] = field(default_factory=dict)
    periodic_spans: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "qname": self.qname,
            "n_events": self.n_events,
            "start": self.start,
            "end": self.end,
            "qtype": self.verdict.get("qtype"),
            "verdict": self.verdict.get("label"),
            "verdict_period_s": self.verdict.get("period_s"),
            "periodic_spans": self.periodic_spans,
            "q_value": self.verdict.get("q_value"),
            "q_tests": self.verdict.get("q_tests"),
            "p_value": self.verdict.get("p_any"),
            "evidence": self.verdict.get("evidence", []),
            "bin_width_s": self.bin_width,
            "n_frequencies_searched": self.n_frequencies,
            "status": self.status,
            "periods": self.periods,
            "ttl_floor": self.ttl_floor,
            "interarrival": self.gaps,
            "activity": self.activity,
            "peaks": [p.__dict__ for p in self.peaks],
            "repairs": self.repairs,
        }


NULL_DESCRIPTION = (
    "periods: Z^2_2 of the event times against a homogeneous Poisson process in the observed "
    "time; p_global counts the whole band searched (Davies-Baluev); p_routine and p_shuffle "
    "are Monte-Carlo p-values of the band's maximum against the series' own hour-of-week "
    "routine and its own gaps reordered. Spectral peaks: Leahy powers of the binned counts, "
    "p_single one frequency, p_global all searched (Sidak)"
)
PERIOD_KEYS = (
    "period_s",
    "period_err_s",
    "interval_s",
    "p_single",
    "p_global",
    "jitter_s",
    "pulsed_fraction",
    "harmonics_seen",
)


def summarize_series(
    series: EventSeries,
    client: str,
    qname: str,
    *,
    top: int = 3,
    bin_width: float | None = None,
    surrogates: int = 99,
    seed: int = 0,
) -> SeriesSummary:
    """Periods on the event times (detect_periods), and the Leahy periodogram of the binned
    counts with its ``top`` peaks, each with honest p-values.

    Spectral peaks below two cycles per window are not searched (a trend is not a period).
    """
    width = bin_width or auto_bin_width(series.duration)
    binned = bin_events(series, width)
    peaks: list[Peak] = []
    n_freq = 0
    if len(binned.counts) >= 8:
        spectrum = periodogram(binned, scaling="leahy")
        table = spectrum.peaks(top, fmin=2.0 / (len(binned.counts) * width))
        n_freq = int(table.attrs["n_trials"])
        peaks = [
            Peak(
                float(r.period_s),
                float(r.frequency_hz),
                float(r.power),
                _finite(r.p_single),
                _finite(r.p_global),
            )
            for r in table.itertuples()
        ]
    # Structured nulls: is a period more than the series' own weekly routine, or its own gaps
    # in another order, would produce anywhere in the band?
    judged = verdict(series, seed=seed).to_dict()
    detection = detect_periods(
        series,
        fmax=z2_fmax(series.duration, judged.get("period_s")),
        structured_nulls=surrogates,
        seed=seed,
    )
    periods = [{key: _plain(getattr(p, key)) for key in PERIOD_KEYS} for p in detection.periods]
    for null, values in detection.structured_p.items():
        for period, value in zip(periods, values):
            period[f"p_{null}"] = value
    return SeriesSummary(
        client,
        qname,
        series.n_events,
        series.start,
        series.end,
        width,
        n_freq,
        peaks,
        dict(detection.series.repairs),
        detection.status,
        periods,
        dict(detection.ttl_floor.__dict__),
        _gaps(detection.series, periods[0]["period_s"] if periods else None),
        judged,
        _activity(series, judged.get("period_s")),
        _spans(series, judged.get("period_s")),
    )


def _spans(series: EventSeries, period: float | None) -> dict[str, Any]:
    """When the verdict's beat is present (periodic_spans, daily windows for an hourly beat)."""
    if period is None or not math.isfinite(period):
        return {"status": "no machine period"}
    return {"status": "ok", **periodic_spans(series, period).to_dict()}


def _activity(series: EventSeries, machine_period: float | None = None) -> dict[str, Any]:
    """When the lookups happen: time of day (UTC), Bayesian Blocks, significant silences."""
    if series.n_events < 3 or series.duration <= 0:
        return {"status": "insufficient_data"}
    r = rhythm(series)
    # Bayesian Blocks is O(cells^2): past MAX_BLOCK_CELLS lookups, lookups closer than
    # duration / MAX_BLOCK_CELLS are merged into one cell with their multiplicity.
    cells = series
    if series.n_events > MAX_BLOCK_CELLS:
        cells = series.collapsed(series.duration / MAX_BLOCK_CELLS)
    blocks = bayesian_blocks(cells, p0=0.05)
    silences = outages(series)
    return {
        "rhythm_utc": {
            "n_sessions": r.n_sessions,
            "peak_hour": r.peak_hour if r.n_sessions else None,
            "p_daily": r.chi2_daily.p_value,
            "p_weekly": r.chi2_weekly.p_value,
            "null": r.chi2_daily.null,
        },
        "blocks": {
            "n_blocks": blocks.n_blocks,
            "edges": blocks.edges.tolist(),
            "rates": blocks.rates.tolist(),
            "p0": blocks.p0,
        },
        "change_points": rate_change_points(series, machine_period),
        "outages": silences.to_dict(),
    }


CHANGE_POINT_NULL = (
    "PELT (Killick et al. 2012) on the counts in bins of bin_width_s, Poisson cost; each change "
    "costs the penalty (bic: 2 ln n_bins) on the scale of twice the negative log-likelihood. "
    "Not a test: overdispersed counts (runs, sessions) give extra change points"
)


def change_point_width(series: EventSeries, machine_period: float | None = None) -> float:
    """Bins for the rate change points: a day when the series spans at least 14 days; else
    ``change_points``' default (the window in clamp(N / 2, 16, 4096) bins), widened to four
    machine periods (at most 1/16 of the window) so that a machine's own beat is not taken for
    changes of its rate."""
    if series.duration >= DAILY_CHANGE_POINTS:
        return 86400.0
    width = _core.bursts.default_change_bin_width(series._impl)
    if machine_period is not None and math.isfinite(machine_period) and machine_period > 0:
        width = max(width, min(4.0 * machine_period, series.duration / 16.0))
    return width


def rate_change_points(series: EventSeries, machine_period: float | None = None) -> dict[str, Any]:
    """PELT change points of the lookup rate in bins of :func:`change_point_width`; Poisson
    cost, BIC penalty. Times are absolute (the series' epoch seconds), rates in lookups per
    second with their exact 95 % Poisson interval."""
    if series.n_events < 2 or series.duration <= 0:
        return {"status": "insufficient_data"}
    width = change_point_width(series, machine_period)
    cp = change_points(series, bin_width=width, penalty="bic")
    segments = [
        {
            "start": float(cp.start[i]),
            "end": float(cp.end[i]),
            "count": float(cp.count[i]),
            "rate": float(cp.rate[i]),
            "rate_low": _finite(cp.rate_low[i]),
            "rate_high": _finite(cp.rate_high[i]),
        }
        for i in range(len(cp.rate))
    ]
    return {
        "status": "ok",
        "bin_width_s": float(cp.bin_width),
        "n_bins": int(cp.n_bins),
        "penalty": cp.penalty_name,
        "penalty_value": float(cp.penalty),
        "times": [float(t) for t in cp.change_points],
        "segments": segments,
        "null": CHANGE_POINT_NULL,
    }


def lockstep_pairs(
    items: list[tuple[str, str, EventSeries]], *, seed: int = 0
) -> list[dict[str, Any]]:
    """Lockstep (:func:`tealeaves.lockstep`, +-2 s) of every pair of ``items`` that
    share a qname, both with at least ``PAIR_MIN_EVENTS`` lookups: the first ``MAX_PAIRS``
    such pairs in the order given (largest series first), a = the larger series.

    ``p_adjusted`` is Bonferroni over the pairs tested. Each pair has 200 m - 1 surrogates
    (m pairs, at least 999) so that a lockstep can reach p_adjusted 0.005, fewer (at least 99)
    when the pairs' lookups x surrogates would exceed ``PAIR_BUDGET``. Pair k's seed is drawn
    from ``seed`` and the two series' positions: the same for any thread count."""
    chosen: list[tuple[int, int]] = []
    n_candidates = 0
    for i, (_, qname_i, si) in enumerate(items):
        for j in range(i + 1, len(items)):
            _, qname_j, sj = items[j]
            if qname_i != qname_j or min(si.n_events, sj.n_events) < PAIR_MIN_EVENTS:
                continue
            n_candidates += 1
            if len(chosen) < MAX_PAIRS:
                chosen.append((i, j))
    m = len(chosen)
    out = []
    for i, j in chosen:
        (client_a, qname, a), (client_b, _, b) = items[i][:3], items[j][:3]
        if b.n_events > a.n_events:
            (client_a, a), (client_b, b) = (client_b, b), (client_a, a)
        n_surrogates = max(999, 200 * m - 1)
        affordable = int(PAIR_BUDGET / (m * (a.n_events + b.n_events)))
        n_surrogates = max(99, min(n_surrogates, affordable))
        pair_seed = int(np.random.SeedSequence([seed, i, j]).generate_state(1)[0])
        r = lockstep(a, b, tolerance=PAIR_TOLERANCE, n_surrogates=n_surrogates, seed=pair_seed)
        entry = {"qname": qname, "client_a": client_a, "client_b": client_b, **r.to_dict()}
        entry["p_adjusted"] = min(1.0, m * r.p_value)
        entry["n_pairs_tested"] = m
        entry["n_pairs_not_tested"] = n_candidates - m
        entry["null"] = (
            f"{r.null}. p_adjusted: Bonferroni over the {m} pairs tested (pairs of the analysed "
            f"series sharing a name, at most {MAX_PAIRS}, largest series first)"
        )
        out.append(entry)
    return out


def _gaps(series: EventSeries, period: float | None) -> dict[str, Any]:
    """Best-supported gap model with its evidence, and burstiness (issue: inter-arrivals)."""
    if series.n_events < 3 or series.duration <= 0:
        return {"status": "insufficient_data"}
    result = interarrival(series, gof_replicates=100, power_law_replicates=100, period=period)
    b = result.burstiness
    return {
        "status": result.status,
        "best_model": result.best_model,
        "strength": result.strength,
        "evidence": result.evidence,
        "n_spanning_outage": result.n_spanning_outage,
        "burstiness": {"cv": b.cv, "b": b.b, "b_n": b.b_n, "memory": b.memory},
        "power_law_p": None if result.power_law is None else result.power_law.p_value,
    }


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
