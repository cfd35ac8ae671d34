"""Lockstep: do two lookup series move as one machine?

Each lookup of one series is matched with the other's lookups within +-``tolerance`` (the
event-coincidence count of :func:`tealeaves.coincidence`, in a symmetric window). The null
rotates one series against the other by at most ``max_shift`` seconds (default 600 s), so that
two series sharing a daily rhythm are not taken for lockstep; ``max_shift=None`` rotates over
the whole window through the engine's coincidence analysis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ._series_input import as_series
from ._validation import check_count
from .results import _html_table
from .surrogates import _seconds
from .timeline import coincidence

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from .series import EventSeries


LOCKSTEP_NULL = (
    "rotations of a's lookups along a's observed time {how}, b fixed (keeps both series' "
    "bursts and gaps, destroys only their alignment); Monte-Carlo p = (k + 1) / (n + 1), "
    "k the surrogates at least as extreme (ties count against the observation: valid, "
    "conservative; no coincidence at all gives p = 1); both directions (share of a with a "
    "partner in b, share of b with a partner in a) in one Westfall-Young max-T family of 2 "
    "tests; no other multiplicity"
)


@dataclass(frozen=True, eq=False)
class Lockstep:
    """Do two lookup series move in lockstep (see :func:`lockstep`)?

    ``fraction_a``: share of a's lookups with a b lookup within +-``tolerance_s``;
    ``fraction_b``: share of b's lookups (inside a's observed window) with an a lookup within
    +-``tolerance_s``; ``median_lag_s``: median signed b - a over each a lookup's nearest b
    partner within the tolerance (NaN when none); ``p_value``: the smaller family-wise
    adjusted p of the two directions (``null`` says what it accounts for). ``lag_s`` and
    ``a_times`` list every matched a lookup and its signed lag (``to_pandas``).
    """

    n_a: int
    n_b: int
    n_b_outside: int
    tolerance_s: float
    max_shift_s: float
    k_a: int
    k_b: int
    fraction_a: float
    fraction_b: float
    median_lag_s: float
    p_value: float
    p_a: float
    p_b: float
    n_surrogates: int
    null: str
    a_times: np.ndarray = field(repr=False)
    lag_s: np.ndarray = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain types (NaN becomes None); the matched lags are left out."""

        def plain(value: float) -> float | None:
            return float(value) if math.isfinite(value) else None

        return {
            "n_a": int(self.n_a),
            "n_b": int(self.n_b),
            "n_b_outside": int(self.n_b_outside),
            "tolerance_s": float(self.tolerance_s),
            "max_shift_s": plain(self.max_shift_s),
            "k_a": int(self.k_a),
            "k_b": int(self.k_b),
            "fraction_a": float(self.fraction_a),
            "fraction_b": float(self.fraction_b),
            "median_lag_s": plain(self.median_lag_s),
            "p_value": float(self.p_value),
            "p_a": float(self.p_a),
            "p_b": float(self.p_b),
            "n_surrogates": int(self.n_surrogates),
            "null": self.null,
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per a lookup with a b partner within the tolerance: its time and the signed
        lag b - a of its nearest partner."""
        import pandas as pd

        return pd.DataFrame({"a_time": self.a_times, "lag_s": self.lag_s})

    def _repr_html_(self) -> str:
        return _html_table(
            "Lockstep of two lookup series",
            {
                "lookups a / b": f"{self.n_a} / {self.n_b}",
                "tolerance (s)": self.tolerance_s,
                "share of a with a b partner": self.fraction_a,
                "share of b with an a partner": self.fraction_b,
                "median lag b - a (s)": self.median_lag_s,
                "p-value (2 directions, family-wise)": self.p_value,
                "surrogates": self.n_surrogates,
                "null": self.null,
            },
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """Histogram of the signed lags b - a of the matched lookups."""
        from .plotting import new_axes

        ax = new_axes(ax)
        tol = self.tolerance_s
        ax.hist(self.lag_s, bins=np.linspace(-tol, tol, 41))
        ax.axvline(0.0, color="0.5", lw=0.8)
        ax.set_xlabel("lag b - a of the nearest partner (s)")
        ax.set_ylabel("matched lookups of a")
        ax.set_title(
            f"{100 * self.fraction_a:.0f} % of a, {100 * self.fraction_b:.0f} % of b within "
            f"+-{tol:g} s; p = {self.p_value:.3g}"
        )
        return ax


def _nearest_lags(a: np.ndarray, b: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """For each sorted time of ``a``, the signed lag b - a of its nearest ``b`` (the earlier
    one on a tie) when within ``tolerance``: (matched a times, lags)."""
    if b.size == 0:
        return np.empty(0), np.empty(0)
    right = np.clip(np.searchsorted(b, a, side="left"), 0, b.size - 1)
    left = np.clip(right - 1, 0, b.size - 1)
    lag_right, lag_left = b[right] - a, b[left] - a
    lag = np.where(np.abs(lag_left) <= np.abs(lag_right), lag_left, lag_right)
    hit = np.abs(lag) <= tolerance
    return a[hit], lag[hit]


def _symmetric_counts(a: np.ndarray, b: np.ndarray, tolerance: float) -> tuple[int, int]:
    """(a times with some b within +-tolerance, b times with some a within it); both sorted."""

    def covered(x: np.ndarray, y: np.ndarray) -> int:
        if x.size == 0 or y.size == 0:
            return 0
        j = np.minimum(np.searchsorted(y, x - tolerance, side="left"), y.size - 1)
        return int(np.count_nonzero(np.abs(y[j] - x) <= tolerance))

    return covered(a, b), covered(b, a)


class _GoodTime:
    """Rotation along a series' good time: times <-> good-time coordinates in [0, exposure)."""

    def __init__(self, series: EventSeries) -> None:
        gti = np.asarray(series.good_intervals, dtype=float).reshape(-1, 2)
        self.lo, lengths = gti[:, 0], gti[:, 1] - gti[:, 0]
        self.cum = np.concatenate([[0.0], np.cumsum(lengths)])
        self.exposure = float(self.cum[-1])
        times = np.asarray(series.times, dtype=float)
        k = np.clip(np.searchsorted(self.lo, times, side="right") - 1, 0, len(self.lo) - 1)
        self.g = self.cum[k] + (times - self.lo[k])  # sorted

    def rotated(self, shift: float) -> np.ndarray:
        """The times rotated by ``shift`` seconds of good time (sorted, relative)."""
        u = shift % self.exposure
        cut = int(np.searchsorted(self.g, self.exposure - u, side="left"))
        g = np.concatenate([self.g[cut:] + (u - self.exposure), self.g[:cut] + u])
        if len(self.lo) == 1:  # no gaps: good time is the window
            return self.lo[0] + g
        g = np.clip(g, 0.0, np.nextafter(self.exposure, 0.0))
        # A coordinate on a boundary maps to the end of the earlier interval (as it came).
        k = np.clip(np.searchsorted(self.cum, g, side="left") - 1, 0, len(self.lo) - 1)
        return self.lo[k] + (g - self.cum[k])


def _max_t(stats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Westfall-Young single-step max-T (as the engine's coincidence): rows = observed then
    surrogates, columns = tests; each column standardised over all rows (constant: 0); ties
    count against the observation. Returns (marginal p, adjusted p)."""
    rows = stats.shape[0]
    sd = stats.std(axis=0)
    z = np.where(sd > 0, (stats - stats.mean(axis=0)) / np.where(sd > 0, sd, 1.0), 0.0)
    top = z.max(axis=1)
    marginal = (stats >= stats[0]).sum(axis=0) / rows
    adjusted = np.array([np.count_nonzero(top >= z[0, j]) for j in range(z.shape[1])]) / rows
    return marginal, adjusted


def _local_shift_p(
    sa: EventSeries, b_rel: np.ndarray, tol: float, max_shift: float, n: int, seed: int
) -> tuple[float, float, float]:
    """Monte-Carlo against rotations of a by u seconds of good time, |u| uniform in
    (2 tol, max_shift] with a random sign (b fixed): every coincident pair is broken, and the
    rhythm slower than max_shift kept. Returns (p_a, p_b, family-wise p over both
    directions)."""
    good = _GoodTime(sa)
    rng = np.random.default_rng([seed, 0x10C5])
    shifts = rng.uniform(2.0 * tol, max_shift, n) * rng.choice((-1.0, 1.0), n)
    stats = np.empty((n + 1, 2))
    stats[0] = _symmetric_counts(np.asarray(sa.times, dtype=float), b_rel, tol)
    for i, u in enumerate(shifts, start=1):
        stats[i] = _symmetric_counts(good.rotated(float(u)), b_rel, tol)
    marginal, adjusted = _max_t(stats)
    return float(marginal[0]), float(marginal[1]), float(adjusted.min())


def lockstep(
    a: Any,
    b: Any,
    *,
    tolerance: Any = 2.0,
    max_shift: Any = 600.0,
    n_surrogates: int = 999,
    seed: int = 0,
    threads: int = 0,
    shift_step: Any = 0.0,
) -> Lockstep:
    """Do two lookup series move in lockstep: does each logical lookup reach both, within
    ``tolerance`` seconds, in either order?

    A lookup t of a and a lookup s of b coincide when |t - s| <= tolerance (the coincidence
    analysis of :func:`coincidence` with lag -tolerance and width 2 tolerance). Each distinct
    lookup time counts once, whatever its multiplicity. ``fraction_a`` / ``fraction_b``: the
    shares of a's / b's lookups with a partner; ``median_lag_s``: median signed b - a over each
    matched a lookup's nearest partner.

    Null: a's lookups rotated along a's observed time (a circular shift, wrapping at the
    window's ends), b fixed. A rotation keeps both series' bursts and gaps and destroys only
    their alignment. By default the rotation is by u seconds, |u| uniform in
    (2 tolerance, max_shift] with a random sign: every coincident pair is broken, and the
    series' clock rhythm (slower than max_shift) is kept against each other. With
    ``max_shift=None`` the rotation is by any amount (the engine's ``coincidence``;
    ``shift_step`` then rotates by whole steps, e.g. 86400 keeps the time of day); for two
    independent office-hours series that over-rejects (measured below), as their shared
    rhythm makes chance coincidences likelier in the data than in far rotations.

    The p-value is one-sided (more coincidences than chance), Monte-Carlo (k + 1) / (n + 1)
    with ties counted against the observation (conservative: no coincidence at all gives
    p = 1), the smaller Westfall-Young (max-T) adjusted p of the two directions: family-wise
    over those 2 tests, nothing else.

    Parameters
    ----------
    a, b : EventSeries or arrays of times (float seconds or date-times), in one time frame
        b's lookups outside a's observed window are left out (``n_b_outside``).
    tolerance : seconds (or timedelta) > 0
    max_shift : seconds (or timedelta) > 2 tolerance, or None (any rotation)
    n_surrogates, seed : Monte-Carlo settings (the same seed gives the same result).
    threads : engine threads for ``max_shift=None`` (identical results for any count).
    shift_step : ``max_shift=None`` only: seconds (or timedelta) >= 0; 0 rotates by any amount.
    """
    sa = as_series(a)
    sb = as_series(b)
    if sa.n_events == 0:
        raise ValueError("a: has no lookups")
    if sb.n_events == 0:
        raise ValueError("b: has no lookups")
    tol = _positive_seconds(tolerance, "tolerance")
    step = _seconds(_no_text(shift_step, "shift_step"), "shift_step")
    if not math.isfinite(step) or step < 0.0:
        raise ValueError(f"shift_step: must be >= 0 and finite, got {shift_step!r}")
    shift = None if max_shift is None else _positive_seconds(max_shift, "max_shift")
    if shift is not None and shift <= 2.0 * tol:
        raise ValueError(
            f"max_shift: must exceed twice the tolerance ({2 * tol:g} s), got {max_shift!r}"
        )
    if shift is not None and step > 0.0:
        raise ValueError("shift_step: only with max_shift=None (rotations by any amount)")
    n_surrogates = check_count(n_surrogates, "n_surrogates", 1)
    seed = check_count(seed, "seed")
    threads = check_count(threads, "threads")
    if sa.exposure <= 0.0:
        raise ValueError("a: has no observed time to rotate in")
    b_abs = np.asarray(sb.absolute_times, dtype=float)
    keep = (b_abs >= sa.start) & (b_abs <= sa.end)
    b_rel = b_abs[keep] - sa.origin  # relative to a's origin: full precision for epoch times
    a_rel = np.asarray(sa.times, dtype=float)
    k_a, k_b = _symmetric_counts(a_rel, b_rel, tol)
    if shift is None:
        r = coincidence(
            sa,
            np.ascontiguousarray(b_abs),
            tolerances=(2.0 * tol,),
            lags=(-tol,),
            n_surrogates=n_surrogates,
            seed=seed,
            threads=threads,
            correlation=False,
            randomize_ties=False,
            shift_step=step,
        )
        p_a, p_b = float(r.table["p_precursor"][0]), float(r.table["p_trigger"][0])
        p_value = float(r.global_p)
        how = "by any amount" if step == 0.0 else f"by whole steps of {step:g} s"
    else:
        p_a, p_b, p_value = _local_shift_p(sa, b_rel, tol, shift, n_surrogates, seed)
        how = f"by u, |u| uniform in ({2 * tol:g}, {shift:g}] s, either sign"
    matched, lags = _nearest_lags(a_rel, b_rel, tol)
    return Lockstep(
        n_a=int(sa.n_events),
        n_b=int(sb.n_events),
        n_b_outside=int(np.count_nonzero(~keep)),
        tolerance_s=tol,
        max_shift_s=float("nan") if shift is None else shift,
        k_a=k_a,
        k_b=k_b,
        fraction_a=k_a / sa.n_events,
        fraction_b=k_b / b_rel.size if b_rel.size else 0.0,
        median_lag_s=float(np.median(lags)) if lags.size else float("nan"),
        p_value=p_value,
        p_a=p_a,
        p_b=p_b,
        n_surrogates=n_surrogates,
        null=LOCKSTEP_NULL.format(how=how),
        a_times=matched + sa.origin,
        lag_s=lags,
    )


def _no_text(value: Any, name: str) -> Any:
    if isinstance(value, (str, bytes, bool)) or value is None:
        raise TypeError(f"{name}: expected seconds (a number or timedelta), got {value!r}")
    return value


def _positive_seconds(value: Any, name: str) -> float:
    seconds = _seconds(_no_text(value, name), name)
    if not math.isfinite(seconds) or seconds <= 0.0:
        raise ValueError(f"{name}: must be positive and finite, got {value!r}")
    return seconds


__all__ = ["LOCKSTEP_NULL", "Lockstep", "lockstep"]
