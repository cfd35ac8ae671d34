"""The verdict: is a lookup series a machine, a person, chance, or a machine and a person?

The rules, in one place (``RULES``), each test stated with its null:

1. **insufficient** when there are fewer than ``min_events`` lookups.
2. A **machine component** is present when either
   - a spectral *line* stands out: in the Leahy periodogram of the counts (bins of
     ``bin_width`` s), the largest ratio of an ordinate to the median of its 64 neighbours
     (2..33 ordinates away on each side), over periods from 2 bins to ``max_period``, is
     improbable for a smooth spectrum (ordinate / local median of exponential ordinates: exact
     order-statistic formula, Sidak over every ordinate searched). A smooth spectrum is what
     bursts, sessions and outages give, so they do not fake a line. A line at a harmonic k of one
     day counts only if it is stronger than every lower daily harmonic (a daily routine's
     harmonics fall off; an hourly poller's line does not need the day's fundamental); or
   - the same search on the spectrum averaged over segments of 1024 bins (Welch, no overlap;
     periods from 2 bins to 1/33 of a segment, so that the neighbourhood fits): a machine that
     stops and restarts, such as a laptop agent gated by its user's sessions, loses its phase
     between runs, which smears its line in the whole-series spectrum but not in segments. The
     null distribution of an average of K exponential ordinates over the median of 64 such is
     computed exactly for integer K, with K the effective number of segments
     (sum L)^2 / sum L^2 of their noise levels L, rounded down and at most 64 (conservative); or
   - the gaps never fall below a floor (TTL floor: cache expiry or a schedule), improbable for
     Poisson lookups at the same rate (``ttl_floor``).
3. A **human component** is present when the sessions (lookups more than ``collapse_within`` s
   apart) that the machine component does not explain (lookups with no partner one or two
   periods away) keep the same hours day after day, or avoid some weekdays: Monte-Carlo tests
   whose null rotates each day's sessions by an independent random time (keeps each day's count
   and its clustering, destroys the alignment of hours across days), and permutes whole days
   among weekdays; the smaller p, Bonferroni-corrected for the two. Where the sessions span
   fewer than two days (no routine can be seen), self-excitation stands in: a Hawkes process
   against its own background (a rate with a trend), parametric bootstrap. (Self-excitation is
   not used on longer series: a campaign's waves or an outage make any background look
   self-exciting, and the routine tests are the sharper evidence of a person.)
4. Label: machine and human -> **mixed**; machine only -> **periodic**; human only -> **human**;
   neither -> **random** (consistent with chance at level ``alpha``).

Each family of tests (the machine's three, the person's two or one) is Bonferroni-corrected to
level ``alpha`` (default 0.01), so a Poisson series is called anything but random at most about
2 ``alpha`` of the time. The error rates of the labels were measured on
the simulators in ``tealeaves.datasets.scenarios`` (``tests/python/test_verdict.py``).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ._series_input import as_series
from ._validation import check_count, check_positive
from .periodicity import ttl_floor
from .pointprocess import compare_models
from .series import EventSeries
from .spectral import bin_events, periodogram

if TYPE_CHECKING:
    import pandas as pd

RULES = __doc__
LABELS = ("periodic", "human", "random", "mixed", "insufficient")
DAY = 86400.0
_NEAR, _FAR = 2, 33  # neighbours of an ordinate used for its local median
_RANK = _FAR - _NEAR + 1  # the lower median of 2 * (_FAR - _NEAR + 1) neighbours
_COMB_FACTOR = 4.0  # a daily harmonic must beat its comb neighbours k-1, k+1 by this much
_N_MACHINE = 3  # machine tests: whole-series line, segment-averaged line, gap floor
_SEGMENT = 1024  # bins per segment of the segment-averaged line search


@dataclass(frozen=True)
class Evidence:
    """One test behind a verdict: what was measured, against which null, and what it means."""

    test: str
    statistic: float
    p_value: float | None
    null: str
    explanation: str
    supports: str  # "machine", "human", or "" when it supports neither


@dataclass(frozen=True)
class Verdict:
    """``label`` is one of ``LABELS``; ``evidence`` lists every test with its p-value and null."""

    label: str
    evidence: list[Evidence]
    n_events: int
    alpha: float
    period_s: float | None = None
    n_residual: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "alpha": self.alpha,
            "n_events": self.n_events,
            "period_s": self.period_s,
            "n_unexplained_by_machine": self.n_residual,
            "p_machine": self.details.get("p_machine"),
            "p_human": self.details.get("p_human"),
            "p_any": self.p_any,
            "evidence": [e.__dict__ for e in self.evidence],
        }

    @property
    def p_any(self) -> float:
        """p of "anything but chance": the smaller family p, Bonferroni over the two families
        (1 for "insufficient")."""
        p = min(self.details.get("p_machine", 1.0), self.details.get("p_human", 1.0))
        return min(1.0, 2 * p)

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([e.__dict__ for e in self.evidence])

    def _repr_html_(self) -> str:
        cells = [
            (e.test, f"{e.statistic:.4g}", _fmt_p(e.p_value), e.null, e.explanation)
            for e in self.evidence
        ]
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in cells
        )
        head = "".join(f"<th>{h}</th>" for h in ("test", "statistic", "p", "null", "meaning"))
        title = f"<p><b>verdict: {self.label}</b> ({self.n_events} lookups, alpha={self.alpha})</p>"
        return f"{title}<table><tr>{head}</tr>{rows}</table>"


def verdict(
    times_or_series: Any,
    *,
    alpha: float = 0.01,
    bin_width: float | None = None,
    max_period: float = 6 * 3600.0,
    collapse_within: float = 300.0,
    min_events: int = 20,
    n_surrogates: int = 999,
    n_bootstrap: int = 199,
    seed: int = 0,
) -> Verdict:
    """Machine, person, chance, or both: the label and the evidence behind it (see ``RULES``).

    Parameters
    ----------
    times_or_series : array of epoch seconds, datetimes or an EventSeries (its window and gaps
        are used as given).
    alpha : level of each test.
    bin_width, max_period : the line search covers periods from 2 ``bin_width`` to ``max_period``;
        ``bin_width`` defaults to 10 s, or for long series the finest of 15 s, 20 s, 30 s, 1, 2,
        5, 10, 15, 30, 60 min that keeps the spectrum within 2^17 bins.
    collapse_within : lookups closer than this are one session for the human tests.
    min_events : fewer lookups give "insufficient".
    n_surrogates, n_bootstrap, seed : Monte-Carlo sizes of the rhythm tests and of the
        self-excitation bootstrap, and their seed (p = (k+1)/(n+1)).
    """
    series = as_series(times_or_series)
    alpha = check_positive(alpha, "alpha")
    if alpha >= 1:
        raise ValueError(f"alpha: must be in (0, 1), got {alpha}")
    bin_width = _auto_bin_width(series.duration) if bin_width is None else bin_width
    check_positive(bin_width, "bin_width")
    check_positive(collapse_within, "collapse_within")
    check_count(n_surrogates, "n_surrogates")
    check_count(n_bootstrap, "n_bootstrap")
    if max_period <= 2 * bin_width:
        raise ValueError(f"max_period: must exceed 2 * bin_width = {2 * bin_width}")
    if series.n_events < min_events:
        note = Evidence(
            "count",
            float(series.n_events),
            None,
            "",
            f"{series.n_events} lookups: fewer than {min_events}, too few to tell",
            "",
        )
        return Verdict("insufficient", [note], series.n_events, alpha)
    evidence: list[Evidence] = []
    line = _line_evidence(series, bin_width, max_period, alpha / _N_MACHINE)
    segment = _segment_line_evidence(series, bin_width)
    floor = _floor_evidence(series)
    evidence += [line.evidence, segment.evidence, floor]
    # Each family (machine: lines, floor; human: its tests) is Bonferroni-corrected to alpha.
    p_floor = 1.0 if floor.p_value is None else floor.p_value
    p_machine = min(1.0, _N_MACHINE * min(line.p_global, segment.p_global, p_floor))
    machine = p_machine < alpha
    beat = next((x for x in (line, segment) if _N_MACHINE * x.p_global < alpha), None)
    residual = series
    if beat is not None:
        residual = _subseries(series, ~_on_beat(series.times, beat.period, bin_width))
    human = _human_evidence(residual, collapse_within, n_surrogates, seed)
    if not human:  # under two days: no daily routine to test, self-excitation stands in
        human = _bursts_evidence(residual, min_events, n_bootstrap, seed)
    evidence += human
    p_human = min(1.0, len(human) * min((e.p_value or 1.0) for e in human)) if human else 1.0
    is_human = p_human < alpha
    label = {
        (True, True): "mixed",
        (True, False): "periodic",
        (False, True): "human",
        (False, False): "random",
    }[(machine, is_human)]
    period = None if beat is None else beat.period
    details = {
        "p_machine": p_machine,
        "p_human": p_human,
        "p_line": line.p_global,
        "p_segment_line": segment.p_global,
        "line_period_s": line.period,
    }
    return Verdict(label, evidence, series.n_events, alpha, period, residual.n_events, details)


# -- the machine line ----------------------------------------------------------------------

_WIDTHS = (10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0)
_MAX_BINS = 1 << 17


def _auto_bin_width(duration: float) -> float:
    need = duration / _MAX_BINS
    return next((w for w in _WIDTHS if w >= need), _WIDTHS[-1])


@dataclass(frozen=True)
class _Line:
    period: float
    p_global: float
    evidence: Evidence


def _line_evidence(series: EventSeries, bin_width: float, max_period: float, alpha: float) -> _Line:
    spectrum = periodogram(bin_events(series, bin_width), scaling="leahy")
    power = np.asarray(spectrum.power, dtype=float)
    freq = np.asarray(spectrum.frequency, dtype=float)
    ratio = _ratio_to_local_median(power)
    lo = max(_FAR, math.ceil(1.0 / (max_period * spectrum.df)))
    hi = len(power) - _FAR - 1
    if hi <= lo:
        ev = Evidence("spectral line", 0.0, 1.0, "", "series too short for a line search", "")
        return _Line(float("nan"), 1.0, ev)
    ratio[:lo] = 0.0
    ratio[hi:] = 0.0
    _drop_routine_harmonics(ratio, power, freq, spectrum.df)
    n_searched = hi - lo
    k = int(np.argmax(ratio))
    p_global = _p_global(float(ratio[k]), n_searched)
    k = _fundamental(k, ratio, lo, n_searched, alpha)
    period = 1.0 / freq[k]
    null = (
        "smooth spectrum (no line): ordinate / median of its 64 neighbours, exponential "
        f"ordinates; Sidak over {n_searched} frequencies (periods {2 * bin_width:g} s to "
        f"{max_period:g} s)"
    )
    found = f"a line at {period:.6g} s stands {ratio[k]:.1f}x above its neighbourhood"
    return _line("spectral line", period, float(ratio[k]), p_global, null, found)


def _line(test: str, period: float, ratio: float, p_global: float, null: str, found: str) -> _Line:
    meaning = found if p_global < 0.05 else f"no {test} stands out of the spectrum"
    return _Line(period, p_global, Evidence(test, ratio, p_global, null, meaning, "machine"))


def _segment_line_evidence(series: EventSeries, bin_width: float) -> _Line:
    counts = np.asarray(bin_events(series, bin_width).counts, dtype=float)
    n_seg = len(counts) // _SEGMENT
    none = Evidence("segment line", 0.0, 1.0, "", "under two segments: not searched", "")
    if n_seg < 2:
        return _Line(float("nan"), 1.0, none)
    segments = counts[: n_seg * _SEGMENT].reshape(n_seg, _SEGMENT)
    segments = segments - segments.mean(axis=1, keepdims=True)
    spectra = np.abs(np.fft.rfft(segments, axis=1)) ** 2
    level = spectra[:, 1:].mean(axis=1)  # each segment's noise level
    if not np.any(level > 0):
        return _Line(float("nan"), 1.0, none)
    # Averaging segments of unequal level gives fewer effective degrees of freedom
    # (Satterthwaite); rounded down and capped at 64, which makes the tail heavier (conservative)
    # and keeps the quadrature within double precision.
    k_eff = min(64, max(1, int(level.sum() ** 2 / np.sum(level**2))))
    power = spectra.mean(axis=0)
    ratio = _ratio_to_local_median(power)
    lo, hi = max(_FAR, 4), len(power) - _FAR - 1
    ratio[:lo] = 0.0
    ratio[hi:] = 0.0
    k = int(np.argmax(ratio))
    n_searched = hi - lo
    p_global = _p_global(float(ratio[k]), n_searched, k_eff)
    period = _SEGMENT * bin_width / k
    null = (
        f"smooth spectrum averaged over {n_seg} segments of {_SEGMENT * bin_width:g} s "
        f"(effectively {k_eff}): ordinate / median of its 64 neighbours; Sidak over "
        f"{n_searched} frequencies"
    )
    found = f"a line at {period:.6g} s within segments: a machine that stops and restarts"
    return _line("segment line", period, float(ratio[k]), p_global, null, found)


def _log_sf_ratio_averaged(r: float, k: int) -> float:
    """log P(X / M > r), X the mean of k iid Exp(1) and M the lower median (j-th smallest of
    m = 2j) of m such means, by quadrature over M's order-statistic density; k = 1 reduces to
    ``_log_sf_ratio``'s closed form (tested)."""
    if k == 1:
        return _log_sf_ratio(r)
    m, j = 2 * _RANK, _RANK
    u = np.linspace(1e-9, 8.0, 8001)
    cdf = 1.0 - _gamma_sf(k, k * u)
    log_pdf = k * math.log(k) + (k - 1) * np.log(u) - k * u - math.lgamma(k)
    log_choose = math.log(j) + math.lgamma(m + 1) - math.lgamma(j + 1) - math.lgamma(m - j + 1)
    with np.errstate(divide="ignore"):
        log_density = (
            log_choose
            + (j - 1) * np.log(np.clip(cdf, 1e-300, 1.0))
            + (m - j) * np.log(np.clip(1.0 - cdf, 1e-300, 1.0))
            + log_pdf
        )
    value = np.trapezoid(np.exp(log_density) * _gamma_sf(k, k * r * u), u)
    return math.log(max(float(value), 1e-300))


def _gamma_sf(k: int, x: np.ndarray) -> np.ndarray:
    """P(Gamma(k, 1) > x) for integer k: exp(-x) sum_{i<k} x^i / i!."""
    term = np.exp(-x)
    total = term.copy()
    for i in range(1, k):
        term = term * x / i
        total += term
    return total


def _p_global(ratio: float, n_searched: int, k: int = 1) -> float:
    """Sidak over ``n_searched`` ordinates of P(average of k ordinates / local median > ratio)."""
    p_single = math.exp(_log_sf_ratio_averaged(ratio, k))
    return -math.expm1(n_searched * math.log1p(-min(p_single, 1 - 1e-16)))


def _fundamental(k: int, ratio: np.ndarray, lo: int, n_searched: int, alpha: float) -> int:
    """The lowest sub-harmonic k/m (within one ordinate) that is itself a significant line: a
    narrow pulse train puts equal lines at many harmonics, and the strongest need not be the
    fundamental."""
    m = np.arange(2, k // max(lo, 1) + 1)
    if m.size == 0:
        return k
    j = np.rint(k / m).astype(int)
    near = np.stack([ratio[j - 1], ratio[j], ratio[np.minimum(j + 1, len(ratio) - 1)]])
    best = j - 1 + np.argmax(near, axis=0)
    significant = [_p_global(float(ratio[b]), n_searched) < alpha for b in best]
    found = np.flatnonzero(significant)
    return int(best[found[-1]]) if found.size else k


def _ratio_to_local_median(power: np.ndarray) -> np.ndarray:
    """power[k] / lower median of power[k-33..k-2] and power[k+2..k+33] (0 where undefined)."""
    out = np.zeros_like(power)
    if len(power) < 2 * _FAR + 1:
        return out
    windows = np.lib.stride_tricks.sliding_window_view(power, 2 * _FAR + 1)
    neighbours = np.concatenate(
        [windows[:, : _FAR - _NEAR + 1], windows[:, _FAR + _NEAR :]], axis=1
    )
    median = np.partition(neighbours, _RANK - 1, axis=1)[:, _RANK - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        out[_FAR : len(power) - _FAR] = np.where(median > 0, windows[:, _FAR] / median, 0.0)
    return out


def _log_sf_ratio(r: float) -> float:
    """log P(X / M > r), X ~ Exp(1) and M the j-th smallest of m iid Exp(1) (j = _RANK, m = 2j):
    E[exp(-r M)] = prod_{i<=j} (m-i+1) / (m-i+1+r) by Renyi's representation."""
    m = 2 * _RANK
    i = np.arange(1, _RANK + 1)
    return float(np.sum(np.log((m - i + 1) / (m - i + 1 + r))))


def _drop_routine_harmonics(ratio: np.ndarray, power: np.ndarray, freq: np.ndarray, df: float):
    """Zero the ratio at daily harmonics weaker than a lower daily harmonic (a routine's)."""
    n_harm = int(freq[-1] * DAY)
    if n_harm < 2 or 1.0 / (DAY * df) < 3:  # under 3 days the harmonics are not resolved
        return
    harm = np.arange(0, n_harm + 2)
    centre = np.rint(harm / DAY / df).astype(int)
    idx = np.clip(centre[:, None] + np.arange(-1, 2)[None, :], 0, len(power) - 1)
    strength = power[idx].max(axis=1)
    strength[0] = 0.0  # the zero frequency is not a harmonic
    comb = np.maximum(strength[:-2], strength[2:])  # harmonics k-1 and k+1
    weaker = np.zeros(len(harm), dtype=bool)
    weaker[1:-1] = strength[1:-1] <= _COMB_FACTOR * comb
    ratio[idx[weaker].ravel()] = 0.0


# -- the TTL floor -------------------------------------------------------------------------


def _floor_evidence(series: EventSeries) -> Evidence:
    floor = ttl_floor(series)
    p = math.exp(floor.log_p) if floor.detected else None
    meaning = (
        f"no gap below {floor.floor_s:.4g} s ({floor.interpretation})"
        if floor.detected
        else "gaps show no floor"
    )
    null = "Poisson lookups at the same mean rate: P(smallest gap >= floor)"
    return Evidence("gap floor", floor.floor_s, p, null, meaning, "machine")


def _on_beat(times: np.ndarray, period: float, bin_width: float) -> np.ndarray:
    """Lookups with another lookup one period (within the beat's jitter) before or after."""
    gaps = np.diff(times)
    near = gaps[np.abs(gaps - period) < 0.25 * period]
    spread = 1.4826 * np.median(np.abs(near - np.median(near))) if near.size else 0.0
    tol = max(4.0 * spread, 0.01 * period, bin_width)
    out = np.zeros(times.size, dtype=bool)
    for shift in (period, -period, 2 * period, -2 * period):  # a missed beat leaves 2 periods
        lo = np.searchsorted(times, times + shift - tol, side="left")
        hi = np.searchsorted(times, times + shift + tol, side="right")
        out |= hi > lo
    return out


def _subseries(series: EventSeries, keep: np.ndarray) -> EventSeries:
    good = np.asarray(series.good_intervals, dtype=float)
    gaps = np.column_stack([good[:-1, 1], good[1:, 0]]) + series.origin if len(good) > 1 else None
    return EventSeries(
        series.absolute_times[keep],
        start=series.start,
        end=series.end,
        gaps=gaps,
    )


# -- the human rhythm ----------------------------------------------------------------------


def _human_evidence(
    series: EventSeries, collapse_within: float, n_surrogates: int, seed: int
) -> list[Evidence]:
    t = series.absolute_times
    if t.size == 0:
        return []
    sessions = t[np.concatenate([[True], np.diff(t) > collapse_within])]
    days = np.floor(sessions / DAY)
    n_days = int(days.max() - days.min()) + 1
    if sessions.size < 10 or n_days < 2:
        return []
    rng = np.random.default_rng([seed, 0x7EA])
    p_hours, stat_hours = _same_hours_test(sessions, days, n_surrogates, rng)
    p_week, stat_week = _weekday_test(days, n_surrogates, rng)
    null_h = (
        f"each day's {sessions.size} sessions rotated by an independent uniform time "
        f"(keeps each day's count and clustering); {n_surrogates} surrogates"
    )
    null_w = f"whole days permuted among weekdays; {n_surrogates} surrogates"
    return [
        Evidence(
            "same hours every day",
            stat_hours,
            p_hours,
            null_h,
            "sessions keep the same hours day after day" if p_hours < 0.05 else "no daily routine",
            "human",
        ),
        Evidence(
            "weekday pattern",
            stat_week,
            p_week,
            null_w,
            "some weekdays are quiet" if p_week < 0.05 else "no weekday pattern",
            "human",
        ),
    ]


def _bursts_evidence(
    series: EventSeries, min_events: int, n_bootstrap: int, seed: int
) -> list[Evidence]:
    """Self-excitation: does a Hawkes process beat its own background (routine rate or, for
    windows too short for one, a constant with a trend)? Parametric bootstrap from the
    background."""
    # Lookups logged to the same second are one burst member for the Hawkes likelihood (exact
    # ties make it unbounded): merge them first.
    series = series.collapsed(1.0)
    if series.n_events < min_events:
        return []
    fit = compare_models(series, models=("routine", "hawkes"), n_bootstrap=n_bootstrap, seed=seed)
    test = next((t for t in fit.lr_tests if t.alternative == "hawkes"), None)
    if test is None or not math.isfinite(test.p_value):
        return []
    null = f"{test.null} process without self-excitation (parametric bootstrap, {n_bootstrap})"
    meaning = (
        f"lookups trigger more lookups (branching ratio {fit.branching_ratio:.2f})"
        if test.p_value < 0.05
        else "no self-excitation beyond the background"
    )
    return [Evidence("self-excitation", test.statistic, test.p_value, null, meaning, "human")]


def _hour_chi2(phase: np.ndarray) -> np.ndarray:
    """Chi-square of 24 hourly counts against uniform, along the last axis."""
    rows = phase.shape[0]
    flat = (phase + 24 * np.arange(rows)[:, None]).ravel()
    counts = np.bincount(flat, minlength=24 * rows).reshape(rows, 24)
    expected = phase.shape[-1] / 24.0
    return ((counts - expected) ** 2 / expected).sum(axis=-1)


def _same_hours_test(
    sessions: np.ndarray, days: np.ndarray, n: int, rng: np.random.Generator
) -> tuple[float, float]:
    seconds = sessions - days * DAY
    hour = np.minimum((seconds // 3600).astype(int), 23)
    observed = float(_hour_chi2(hour[None, :])[0])
    day_index = (days - days.min()).astype(int)
    shifts = rng.uniform(0, DAY, size=(n, day_index.max() + 1))
    rotated = (seconds[None, :] + shifts[:, day_index]) % DAY
    null = _hour_chi2(np.minimum((rotated // 3600).astype(int), 23))
    return (int(np.sum(null >= observed)) + 1) / (n + 1), observed


def _weekday_test(days: np.ndarray, n: int, rng: np.random.Generator) -> tuple[float, float]:
    first, last = int(days.min()), int(days.max())
    per_day = np.bincount((days - first).astype(int), minlength=last - first + 1).astype(float)
    weekday = (np.arange(first, last + 1) + 3) % 7  # 1970-01-01 was a Thursday

    def stat(counts: np.ndarray) -> np.ndarray:
        totals = np.stack([counts[..., weekday == d].sum(axis=-1) for d in range(7)], axis=-1)
        days_per = np.bincount(weekday, minlength=7)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(days_per > 0, totals / np.maximum(days_per, 1), 0.0)
        return mean.max(axis=-1) - mean.min(axis=-1, where=days_per > 0, initial=np.inf)

    observed = float(stat(per_day))
    null = stat(np.stack([rng.permutation(per_day) for _ in range(n)]))
    return (int(np.sum(null >= observed)) + 1) / (n + 1), observed


def _fmt_p(p: float | None) -> str:
    return "" if p is None else f"{p:.3g}"
