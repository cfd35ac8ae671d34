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

from . import _core
from ._series_input import as_series
from ._validation import check_count
from .results import _html_table
from .surrogates import _seconds
from .timeline import coincidence

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


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
    threads : engine threads (identical results for any count).
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
    core = _core.timeline.lockstep(
        sa._impl,
        sb._impl,
        tolerance=tol,
        max_shift=600.0 if shift is None else shift,  # None: counts only, no surrogates
        n_surrogates=0 if shift is None else n_surrogates,
        seed=seed,
        threads=threads,
    )
    p_a, p_b, p_value = core["p_a"], core["p_b"], core["p_value"]
    null = core["null"]
    if shift is None:
        r = coincidence(
            sa,
            np.ascontiguousarray(sb.absolute_times, dtype=float),
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
        null = LOCKSTEP_NULL.format(how=how)
    return Lockstep(
        n_a=int(core["n_a"]),
        n_b=int(core["n_b"]),
        n_b_outside=int(core["n_b_outside"]),
        tolerance_s=tol,
        max_shift_s=float("nan") if shift is None else shift,
        k_a=int(core["k_a"]),
        k_b=int(core["k_b"]),
        fraction_a=float(core["fraction_a"]),
        fraction_b=float(core["fraction_b"]),
        median_lag_s=float(core["median_lag"]),
        p_value=float(p_value),
        p_a=float(p_a),
        p_b=float(p_b),
        n_surrogates=n_surrogates,
        null=null,
        a_times=core["matched_a"],
        lag_s=core["lags"],
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
