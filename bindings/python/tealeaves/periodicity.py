"""Period detection on event times: is there a machine schedule, and what does it look like?"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._series_input import as_series
from ._validation import check_count, check_positive
from .events import check_harmonics
from .results import _html_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from .events import Z2Periodogram
    from .series import EventSeries


@dataclass(frozen=True)
class Period:
    """One detected period (a fundamental: its harmonics are listed, not reported apart)."""

    period_s: float
    period_err_s: float
    interval_s: float  # typical gap between beats, robust to phase resets (0 if unknown)
    frequency_hz: float
    phase: float  # cycles in [0, 1) after the series origin, of the pulse peak
    jitter_s: float
    pulsed_fraction: float
    power: float  # Z^2_n
    log_p_single: float
    log_p_global: float
    effective_trials: float
    htest_h: float
    htest_log_p: float
    fold_log_p: float
    acf_hill: bool
    harmonics_seen: tuple[int, ...]
    source: str

    @property
    def p_single(self) -> float:
        return math.exp(self.log_p_single)

    @property
    def p_global(self) -> float:
        return math.exp(self.log_p_global)


@dataclass(frozen=True)
class TtlFloor:
    """Inter-arrival gaps that never fall below a floor: the mark of cache expiry (or a schedule).

    ``log_p`` is log P(the smallest of n gaps >= floor) if the lookups were Poisson at the same
    mean rate. ``interpretation`` separates "cache-expiry driven" (gaps = floor + a random wait:
    their excess over the floor is exponential-like, CV ~ 1) from "schedule-like" (narrow gaps
    or whole multiples of the floor).
    """

    detected: bool
    interpretation: str
    floor_s: float
    log_p: float
    excess_cv: float
    share_near_floor: float
    n_gaps: int
    log_ttl_s: float
    consistent_with_log_ttl: bool


@dataclass(frozen=True, eq=False)
class PeriodSearch:
    """What detect_periods found. ``status`` is "ok" or "insufficient" (see ``reason``)."""

    status: str
    reason: str
    periods: list[Period]
    n_events: int
    duration: float
    fmin: float
    fmax: float
    n_frequencies: int
    harmonics: int
    null: str
    global_method: str
    ttl_floor: TtlFloor
    series: EventSeries = field(repr=False)
    # Opt-in (detect_periods(structured_nulls=n)): for each null model ("routine", "shuffle"),
    # one Monte-Carlo p-value per reported period, family-wise over the band; empty otherwise.
    structured_p: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        rows = [
            {**p.__dict__, "p_single": p.p_single, "p_global": p.p_global} for p in self.periods
        ]
        for null, values in self.structured_p.items():
            for row, value in zip(rows, values):
                row[f"p_{null}"] = value
        frame = pd.DataFrame(rows)
        frame.attrs.update(null=self.null, global_method=self.global_method)
        return frame

    def periodogram(self) -> Z2Periodogram:
        """The Z^2_n periodogram that was searched (recomputed on the same grid)."""
        from .events import z2n

        return z2n(self.series, harmonics=self.harmonics, fmin=self.fmin, fmax=self.fmax)

    def plot(self, ax: Axes | None = None) -> Axes:
        ax = self.periodogram().plot(ax=ax)
        for p in self.periods:
            ax.axvline(p.frequency_hz, color="C3", linestyle=":", linewidth=1)
            ax.annotate(
                f"{p.period_s:.4g} s",
                (p.frequency_hz, ax.get_ylim()[1]),
                va="top",
                fontsize=8,
                color="C3",
            )
        return ax

    def _repr_html_(self) -> str:
        rows: dict[str, Any] = {
            "status": self.status,
            "events": self.n_events,
            "band (Hz)": f"{self.fmin:.4g} .. {self.fmax:.4g}",
        }
        for i, p in enumerate(self.periods):
            rows[f"period {i + 1}"] = (
                f"{p.period_s:.6g} s +- {p.period_err_s:.2g}, p_global {p.p_global:.2g}"
            )
        rows["TTL floor"] = self.ttl_floor.interpretation
        return _html_table("PeriodSearch", rows)


def detect_periods(
    times_or_series: Any,
    *,
    harmonics: int = 2,
    fmin: float | None = None,
    fmax: float = 0.5,
    oversample: float = 5.0,
    min_cycles: float = 3.0,
    alpha: float = 0.01,
    max_periods: int = 5,
    min_events: int = 20,
    collapse: float | str | None = "auto",
    binned_candidates: bool = True,
    require_acf: bool = False,
    ttl: float | None = None,
    threads: int = 0,
    structured_nulls: int = 0,
    utc_offset: float = 0.0,
    seed: int = 0,
) -> PeriodSearch:
    """Find machine periods in lookup times, with honest significance.

    Candidates come from the exact Z^2_n periodogram of the event times and from the binned
    Leahy spectrum; each is refined, harmonics and sub-harmonics are grouped so a fundamental
    is reported once, the counts' autocorrelation is checked for a hill at the period
    (``acf_hill``; required only with ``require_acf``), and the pulse is described: phase,
    jitter and pulsed fraction from the harmonic amplitudes, period uncertainty from the phase
    dispersion. Periods with ``p_global < alpha`` are reported, most significant first.

    Parameters
    ----------
    collapse : seconds, "auto", or None / 0 for no merging
        Merge events within this many seconds of a run's first event before testing (resolver
        retries, double logging); the merges are counted in the series' ``repairs``.
        "auto" (default) is min(1 s, 0.5 / fmax): 1 s for the default band, and never more
        than half the shortest period searched, so no beat of it can be merged away. An
        explicit value above 0.5 / fmax is refused for the same reason.
    ttl : float, optional
        The record's TTL from the log, for the TTL-floor check.
    structured_nulls : int
        0 (default): off. n > 0: also test every reported period against two structured nulls
        with n Monte-Carlo surrogates each (see :func:`tealeaves.mc_test`): "routine" (the
        series' own hour-of-week rate, local time = UTC + ``utc_offset`` seconds) and
        "shuffle" (its own gaps, reordered). Each period's p-value is the fraction of
        surrogates whose maximum Z^2_n over the whole band reaches the period's power
        (family-wise over the band), in ``PeriodSearch.structured_p`` and as ``p_routine`` /
        ``p_shuffle`` columns of ``to_pandas()``. A daily rhythm or a bursty person then does
        not pass for a machine period. Costs n full band searches per null.
    seed : int
        Seed of those surrogates.

    Returns
    -------
    PeriodSearch
        ``status`` "insufficient" (with ``reason``) when there are fewer than ``min_events``
        events or the window is too short for the band: no period is reported then.
    """
    series = as_series(times_or_series)
    tolerance = _collapse_tolerance(collapse, check_positive(fmax, "fmax"))
    if tolerance > 0:
        series = series.collapsed(tolerance)
    raw = _core.periodicity.detect_periods(
        series._impl,
        harmonics=check_harmonics(harmonics),
        oversample=float(oversample),
        min_cycles=check_positive(min_cycles, "min_cycles"),
        fmin=0.0 if fmin is None else check_positive(fmin, "fmin"),
        fmax=check_positive(fmax, "fmax"),
        alpha=_probability(alpha, "alpha"),
        max_periods=check_count(max_periods, "max_periods", 1),
        min_events=check_count(min_events, "min_events", 2),
        binned_candidates=bool(binned_candidates),
        require_acf=bool(require_acf),
        log_ttl=None if ttl is None else check_positive(ttl, "ttl"),
        threads=check_count(threads, "threads"),
    )
    grid = raw["grid"]
    periods = [
        Period(**{**p, "harmonics_seen": tuple(p["harmonics_seen"])}) for p in raw["periods"]
    ]
    search = PeriodSearch(
        status=raw["status"],
        reason=raw["reason"],
        periods=periods,
        n_events=raw["n_events"],
        duration=raw["duration"],
        fmin=grid["f0"],
        fmax=grid["f0"] + grid["df"] * max(grid["n"] - 1, 0),
        n_frequencies=grid["n"],
        harmonics=raw["harmonics"],
        null=raw["null"],
        global_method=raw["global_method"],
        ttl_floor=TtlFloor(**raw["ttl_floor"]),
        series=series,
    )
    n_structured = check_count(structured_nulls, "structured_nulls")
    if n_structured == 0 or search.status != "ok":
        return search
    return replace(
        search,
        structured_p=_structured_p(
            search, n_structured, float(oversample), utc_offset, seed, threads
        ),
    )


def _structured_p(
    search: PeriodSearch, n: int, oversample: float, utc_offset: float, seed: int, threads: int
) -> dict[str, tuple[float, ...]]:
    from .nullmodels import mc_test

    out: dict[str, tuple[float, ...]] = {}
    for null in ("routine", "shuffle"):
        result = mc_test(
            search.series,
            "max_z2",
            null,
            n=n,
            seed=int(seed),
            threads=int(threads),
            utc_offset=utc_offset,
            fmin=search.fmin,
            fmax=search.fmax,
            harmonics=search.harmonics,
            oversample=oversample,
        )
        values = result.null_values
        out[null] = tuple(
            float((np.sum(~(values < p.power * (1 - 1e-12))) + 1) / (len(values) + 1))
            for p in search.periods
        )
    return out


def ttl_floor(times_or_series: Any, *, ttl: float | None = None) -> TtlFloor:
    """The TTL-floor check alone (gaps across outages excluded)."""
    series = as_series(times_or_series)
    raw = _core.periodicity.ttl_floor(
        series._impl, log_ttl=None if ttl is None else check_positive(ttl, "ttl")
    )
    return TtlFloor(**raw)


def _collapse_tolerance(collapse: Any, fmax: float) -> float:
    if collapse is None:
        return 0.0
    if isinstance(collapse, str):
        if collapse != "auto":
            raise ValueError(f"collapse: expected seconds, 'auto' or None, got {collapse!r}")
        return min(1.0, 0.5 / fmax)
    if collapse == 0:
        return 0.0
    tolerance = check_positive(collapse, "collapse")
    if tolerance > 0.5 / fmax:
        raise ValueError(
            f"collapse: {tolerance:g} s would merge beats of the shortest period searched "
            f"({1 / fmax:g} s at fmax = {fmax:g} Hz); use less than {0.5 / fmax:g} s"
        )
    return tolerance


def _probability(value: Any, name: str) -> float:
    p = float(value)
    if not 0.0 < p < 1.0:
        raise ValueError(f"{name}: must be in (0, 1), got {value!r}")
    return p


@dataclass(frozen=True, eq=False)
class PeriodicSpans:
    """When a period is present: windows whose tick gaps pile up at the period (see
    :func:`periodic_spans`). Times are epoch seconds (the series' frame)."""

    period_s: float
    half_width_s: float
    window_s: float
    collapse_s: float
    alpha: float
    n_ticks: int
    n_events: int  # lookups (with multiplicity): n_events / n_ticks lookups per beat
    n_testable: int  # Tarone's K: windows counted in the correction
    spans: list[tuple[float, float]]
    first_beat: float | None
    last_beat: float | None
    null: str
    correction: str
    windows: dict[str, np.ndarray] = field(repr=False)

    @property
    def lookups_per_tick(self) -> float:
        """Lookups per tick (a beacon: about 1; a sweep sends several at once)."""
        return self.n_events / self.n_ticks if self.n_ticks else math.nan

    def to_pandas(self) -> pd.DataFrame:
        """One row per window: start, end, n_on, n_beside, p_value, p_adjusted, testable,
        significant."""
        import pandas as pd

        frame = pd.DataFrame(self.windows)
        frame.attrs.update(null=self.null, correction=self.correction)
        return frame

    def to_dict(self) -> dict[str, Any]:
        return {
            "period_s": self.period_s,
            "half_width_s": self.half_width_s,
            "window_s": self.window_s,
            "collapse_s": self.collapse_s,
            "alpha": self.alpha,
            "n_ticks": self.n_ticks,
            "lookups_per_tick": self.lookups_per_tick,
            "n_windows": len(self.windows["start"]),
            "n_testable": self.n_testable,
            "n_significant": int(np.count_nonzero(self.windows["significant"])),
            "spans": [[a, b] for a, b in self.spans],
            "first_beat": self.first_beat,
            "last_beat": self.last_beat,
            "null": self.null,
            "correction": self.correction,
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """Gaps on the period and beside it per window; significant windows shaded."""
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(9, 2.5))
        w = self.windows
        mid = (w["start"] + w["end"]) / 2
        width = w["end"] - w["start"]
        ax.bar(mid, w["n_on"], width=width, color="C3", label="gaps on the period")
        ax.bar(mid, -w["n_beside"], width=width, color="C0", label="gaps beside it")
        for a, b in self.spans:
            ax.axvspan(a, b, color="C3", alpha=0.12, linewidth=0)
        ax.axhline(0, color="black", linewidth=0.5)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("tick gaps per window")
        ax.set_title(f"{self.period_s:.6g} s beat: where it is present", fontsize=9)
        ax.legend(fontsize=8, loc="upper left")
        return ax

    def _repr_html_(self) -> str:
        rows: dict[str, Any] = {
            "period": f"{self.period_s:.6g} s (+- {self.half_width_s:.3g} s)",
            "windows": f"{len(self.windows['start'])} of {self.window_s:g} s, "
            f"{self.n_testable} testable",
            "spans": len(self.spans),
            "first beat": self.first_beat,
            "last beat": self.last_beat,
            "correction": self.correction,
        }
        return _html_table("PeriodicSpans", rows)


def periodic_spans(
    times_or_series: Any,
    period: float,
    *,
    window: float | None = None,
    half_width: float | None = None,
    collapse: float | None = None,
    alpha: float = 0.01,
) -> PeriodicSpans:
    """When is a period present? "Periodic since 25 July" is a claim about time.

    Lookups within ``collapse`` seconds (default 0.1 period) of a tick's start are one tick. In
    each window (``window`` seconds, default the smallest of 1 min, 5 min, 15 min, 1 h, 6 h,
    1 day, 1 week holding 16 periods; aligned on whole windows of absolute time, so daily
    windows are UTC days), the gaps between ticks are sorted into "on" (within ``half_width``,
    default 5 % of the period) and "beside" (1 to 3 half-widths away). Null: a gap in the three
    bands is in the central one with probability 1/3 (gap density locally linear; convex
    densities such as Poisson's make it conservative); p is the binomial tail. Family-wise error
    at ``alpha`` over the windows by Tarone-Bonferroni (windows that could never reach the
    corrected level are not counted). Consecutive significant windows make a span;
    ``first_beat`` and ``last_beat`` are the first and last beats seen in the first and last
    significant windows (None when no window is significant).
    """
    series = as_series(times_or_series)
    raw = _core.periodicity.period_spans(
        series._impl,
        check_positive(period, "period"),
        window=0.0 if window is None else check_positive(window, "window"),
        half_width=0.0 if half_width is None else check_positive(half_width, "half_width"),
        collapse=0.0 if collapse is None else check_positive(collapse, "collapse"),
        alpha=_probability(alpha, "alpha"),
    )
    return PeriodicSpans(
        period_s=raw["period"],
        half_width_s=raw["half_width"],
        window_s=raw["window"],
        collapse_s=raw["collapse"],
        alpha=raw["alpha"],
        n_ticks=int(raw["n_ticks"]),
        n_events=int(series.total_count),
        n_testable=int(raw["n_testable"]),
        spans=[(float(a), float(b)) for a, b in raw["spans"]],
        first_beat=_finite_or_none(raw["first_beat"]),
        last_beat=_finite_or_none(raw["last_beat"]),
        null=raw["null"],
        correction=raw["correction"],
        windows=dict(raw["windows"]),
    )


def _finite_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
