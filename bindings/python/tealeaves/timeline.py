"""Did the lookups follow a timeline of outside events (news days, campaigns) more than chance?

Event coincidence analysis (Donges et al. 2016, Eur. Phys. J. Spec. Top. 225, 471) of the
lookups A with outside events B, each an instant or a window [start, end] (``event_ends``).
With tolerance dT and lag tau, lookup t and event j coincide when
``start_j + tau <= t <= end_j + tau + dT``: the lookup falls during the (lagged) window or
within dT after it. Then

- ``precursor_rate``: share of lookups that coincide with some outside event (each lookup
  "preceded" by an event within [t - tau - dT, t - tau]);
- ``trigger_rate``: share of outside events followed by at least one lookup within
  [start + tau, end + tau + dT].

Each stored lookup counts once, whatever its multiplicity. Outside events whose window misses
the observation window are dropped (``n_events_dropped``).

Every p-value is one-sided (more coincidences than chance) and says what it accounts for:

- ``p_poisson_*``: Donges' analytical reference, A and B independent homogeneous Poisson
  processes, K ~ Binomial; one cell, no multiplicity. It ignores the series' rhythm and
  bursts, so it over-rejects for bursty or daily series: use it as a reference only.
- ``p_precursor`` / ``p_trigger``: Monte-Carlo against ``null`` surrogates of the lookups
  (outside events fixed), p = (k + 1) / (n + 1); one cell, no multiplicity.
  ``circular_shift`` (default) rotates the lookups along their observed time: it keeps their
  rhythm, bursts and gaps and destroys only their alignment with the events; with
  ``shift_step`` (e.g. one day) it rotates by whole days, so clock-aligned events (news days
  from midnight) meet the lookups at the same time of day as in the data. ``routine``
  redraws them from their own hour-of-week rate; it keeps the clock phase but kills bursts,
  so for bursty lookups (sessions) it over-rejects badly (global p <= 0.05 for ~40 % of null
  office-hours series, against 4 % for circular_shift in whole days): collapse sessions first
  (``EventSeries.collapsed``) or prefer ``circular_shift`` with ``shift_step``.
- ``p_adjusted_*``: Westfall-Young single-step adjustment over every (tolerance, lag,
  direction) test scanned (``n_tests``), from the same surrogates: family-wise error control.
  ``correction="max_t"`` (default) standardises each cell's count; ``"min_p"`` uses rank
  p-values (needs about n_tests / alpha surrogates to reach alpha).
- ``q_*``: Benjamini-Hochberg q-values of the Monte-Carlo p-values over the same family.
- Ties: coincidence counts are integers and tie often. By default (``randomize_ties``) ties
  are broken by a seeded random order of the rows, which makes every Monte-Carlo p-value
  exact (size alpha under the null); ``randomize_ties=False`` counts ties against the
  observation (valid but conservative).
- ``global_p``: the smallest adjusted p-value: the one answer to "any coincidence at all?".

The per-cell columns ``p_adjusted`` and ``q_bh`` are the smaller of the two directions' values
(a cell is significant if either direction is; still family-wise / FDR controlled, as the
family holds both directions); ``p_poisson_analytic`` is the Bonferroni combination
min(1, 2 min(p_poisson_precursor, p_poisson_trigger)) of the analytical values.

Lagged correlation: Pearson r between the lookup rate in ``bin_width`` bins and the indicator
"an outside event overlaps the bin", lookups lagged by l bins (l > 0: lookups after events),
l = -max_lag..max_lag; two-sided Monte-Carlo p from the same surrogates and max-|r| single-step
adjusted p over the lags. Surrogate i uses random stream (seed, i): identical results for any
``threads``.

Lockstep of two lookup series (one with the other's lookups as instants): see
:mod:`tealeaves.lockstep`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._series_input import as_series
from ._timeconv import NS_PER_S, to_utc_ns
from .results import _html_table
from .surrogates import NULLS, _seconds

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


DIRECTIONS = ("both", "precursor", "trigger")
CORRECTIONS = ("max_t", "min_p")
_TABLE_COLUMNS = (
    "tolerance",
    "lag",
    "precursor_rate",
    "trigger_rate",
    "p_precursor",
    "p_trigger",
    "p_adjusted",
    "q_bh",
    "p_poisson_analytic",
    "k_precursor",
    "k_trigger",
    "p_adjusted_precursor",
    "p_adjusted_trigger",
    "q_precursor",
    "q_trigger",
    "p_poisson_precursor",
    "p_poisson_trigger",
)


@dataclass(frozen=True, eq=False)
class CoincidenceResult:
    """Coincidence scan over tolerances x lags, and the lagged correlation (see module doc)."""

    table: dict[str, np.ndarray] = field(repr=False)
    global_p: float
    null: str
    correction: str
    direction: str
    n_tests: int
    n_surrogates: int
    n_lookups: int
    n_events: int
    n_events_dropped: int
    bin_width: float
    correlation_lags: np.ndarray = field(repr=False)
    correlation_r: np.ndarray = field(repr=False)
    correlation_p: np.ndarray = field(repr=False)
    correlation_p_adjusted: np.ndarray = field(repr=False)
    correlation_global_p: float = float("nan")

    @property
    def best(self) -> dict[str, float]:
        """The row with the smallest adjusted p-value."""
        i = int(np.nanargmin(self.table["p_adjusted"]))
        return {k: float(v[i]) for k, v in self.table.items()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain types (NaN becomes None)."""

        def clean(values: np.ndarray) -> list[float | None]:
            return [None if not np.isfinite(v) else float(v) for v in np.asarray(values, float)]

        return {
            "global_p": float(self.global_p),
            "null": self.null,
            "correction": self.correction,
            "direction": self.direction,
            "n_tests": int(self.n_tests),
            "n_surrogates": int(self.n_surrogates),
            "n_lookups": int(self.n_lookups),
            "n_events": int(self.n_events),
            "n_events_dropped": int(self.n_events_dropped),
            "table": {k: clean(v) for k, v in self.table.items()},
            "correlation": {
                "bin_width": float(self.bin_width),
                "lags": [int(v) for v in self.correlation_lags],
                "r": clean(self.correlation_r),
                "p": clean(self.correlation_p),
                "p_adjusted": clean(self.correlation_p_adjusted),
                "global_p": None
                if not np.isfinite(self.correlation_global_p)
                else float(self.correlation_global_p),
            },
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per (tolerance, lag) cell."""
        import pandas as pd

        return pd.DataFrame({k: self.table[k] for k in _TABLE_COLUMNS})

    def correlation_to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {
                "lag_bins": self.correlation_lags,
                "lag_seconds": self.correlation_lags * self.bin_width,
                "r": self.correlation_r,
                "p": self.correlation_p,
                "p_adjusted": self.correlation_p_adjusted,
            }
        )

    def _repr_html_(self) -> str:
        best = self.best
        return _html_table(
            f"Coincidence with outside events vs {self.null}",
            {
                "global p (adjusted, family-wise)": self.global_p,
                "tests in family": self.n_tests,
                "correction": f"Westfall-Young {self.correction}, {self.direction}",
                "surrogates": self.n_surrogates,
                "lookups / events": f"{self.n_lookups} / {self.n_events}",
                "best cell (tolerance s, lag s)": f"({best['tolerance']:.4g}, {best['lag']:.4g})",
                "best precursor / trigger rate": (
                    f"{best['precursor_rate']:.4g} / {best['trigger_rate']:.4g}"
                ),
                "lagged correlation global p": self.correlation_global_p,
            },
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """Lagged correlation r per lag (adjusted p < 0.05 marked), or, without it, the
        adjusted p-value of each cell."""
        from .plotting import new_axes

        ax = new_axes(ax)
        if self.correlation_r.size:
            lags = self.correlation_lags
            ax.axhline(0.0, color="0.7", lw=0.8)
            ax.plot(lags, self.correlation_r, "o-", label="Pearson r")
            hit = self.correlation_p_adjusted < 0.05
            if np.any(hit):
                ax.plot(lags[hit], self.correlation_r[hit], "r*", ms=12, label="adjusted p < 0.05")
            ax.set_xlabel(f"lag (bins of {self.bin_width:g} s; > 0: lookups after events)")
            ax.set_ylabel("r (lookup rate vs event indicator)")
            ax.set_title(
                f"global p: coincidence {self.global_p:.3g}, lag r "
                f"{self.correlation_global_p:.3g} ({self.null})"
            )
            ax.legend()
        else:
            labels = [
                f"{t:g}s/{lag:g}s" for t, lag in zip(self.table["tolerance"], self.table["lag"])
            ]
            ax.bar(labels, -np.log10(self.table["p_adjusted"]))
            ax.axhline(-np.log10(0.05), color="r", ls="--")
            ax.set_ylabel("-log10 adjusted p")
            ax.set_xlabel("tolerance / lag")
        return ax


def _event_seconds(values: Any, name: str) -> np.ndarray:
    if isinstance(values, (str, bytes)) or np.ndim(values) == 0:
        values = [values]
    arr = np.asarray(values)
    if arr.dtype.kind in "iuf" and arr.dtype != bool:
        out = arr.astype(float).ravel()
    else:
        out = to_utc_ns(list(arr.ravel()) if arr.dtype == object else arr, name).astype(
            np.float64
        ) / float(NS_PER_S)
    if out.size == 0:
        raise ValueError(f"{name}: must not be empty")
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name}: every value must be finite")
    return np.ascontiguousarray(out, dtype=float)


def _grid(values: Any, name: str) -> list[float]:
    items = [values] if np.ndim(values) == 0 and not isinstance(values, (list, tuple)) else values
    out = [_seconds(v, name) for v in items]
    if not out:
        raise ValueError(f"{name}: must not be empty")
    return out


def coincidence(
    times_or_series: Any,
    events: Any,
    *,
    tolerances: Any = (3600.0, 86400.0),
    lags: Any = (0.0,),
    event_ends: Any = None,
    null: str = "circular_shift",
    n_surrogates: int = 999,
    bin_width: Any = 86400.0,
    max_lag: int = 7,
    seed: int = 0,
    threads: int = 0,
    direction: str = "both",
    correction: str = "max_t",
    correlation: bool = True,
    randomize_ties: bool = True,
    shift_step: Any = 0.0,
    utc_offset: Any = 0.0,
    weekly: bool = True,
    smoothing_hours: float = 0.0,
) -> CoincidenceResult:
    """Event coincidence analysis of lookups with outside events (see the module docstring).

    Parameters
    ----------
    times_or_series : EventSeries or array of times
        The lookups.
    events : array-like
        Outside event times: float epoch seconds (the series' frame), datetime64, pandas
        timestamps, datetimes or date strings ("2016-07-24").
    tolerances, lags : sequences of seconds (or timedeltas)
        The scanned grid; every cell (and direction) enters the multiple-testing family.
    event_ends : array-like, optional
        Window ends (same kinds as ``events``); None: instants.
    null : str
        Surrogate null of the lookups: ``circular_shift`` (default), ``routine``, or any of
        :data:`tealeaves.surrogates.NULLS`.
    n_surrogates, seed, threads : int
        Monte-Carlo settings; results are identical for any ``threads``.
    bin_width, max_lag
        Lagged correlation: bin width (seconds or timedelta) and lags -max_lag..max_lag bins.
    direction : {"both", "precursor", "trigger"}
        Directions in the corrected family.
    correction : {"max_t", "min_p"}
        Westfall-Young single-step flavour.
    correlation : bool
        Compute the lagged correlation.
    shift_step : seconds or timedelta
        ``circular_shift`` only: rotate by a uniform whole number of steps (e.g. 86400 or
        604800) so the lookups keep their clock phase (time of day, day of week). Use it when
        the events are tied to the clock, e.g. news days starting at midnight; 0 (default)
        rotates by any amount. Exact when the observed time is a whole number of steps.
    randomize_ties : bool
        Break ties between equal counts (observed vs surrogates) by a seeded random order, so
        every p-value has size exactly alpha; False counts ties against the observation
        (valid, conservative for the discrete counts).
    utc_offset, weekly, smoothing_hours
        Options of the ``routine`` null.
    """
    series = as_series(times_or_series)
    if null not in NULLS:
        raise ValueError(f"null: expected one of {', '.join(NULLS)}, got {null!r}")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction: expected one of {', '.join(DIRECTIONS)}, got {direction!r}")
    if correction not in CORRECTIONS:
        raise ValueError(
            f"correction: expected one of {', '.join(CORRECTIONS)}, got {correction!r}"
        )
    if int(n_surrogates) < 1:
        raise ValueError(f"n_surrogates: must be >= 1, got {n_surrogates!r}")
    if int(max_lag) < 0:
        raise ValueError(f"max_lag: must be >= 0, got {max_lag!r}")
    starts = _event_seconds(events, "events")
    ends = np.empty(0) if event_ends is None else _event_seconds(event_ends, "event_ends")
    r = _core.timeline.coincidence(
        series._impl,
        starts,
        ends,
        tolerances=_grid(tolerances, "tolerances"),
        lags=_grid(lags, "lags"),
        direction=direction,
        correction=correction,
        null=null,
        n_surrogates=int(n_surrogates),
        seed=int(seed),
        threads=int(threads),
        bin_width=_seconds(bin_width, "bin_width"),
        max_lag=int(max_lag),
        correlation=bool(correlation),
        randomize_ties=bool(randomize_ties),
        shift_step=_seconds(shift_step, "shift_step"),
        utc_offset_seconds=_seconds(utc_offset, "utc_offset"),
        weekly=bool(weekly),
        smoothing_hours=float(smoothing_hours),
    )
    table = {k: r[k] for k in _TABLE_COLUMNS if k in r}
    with np.errstate(invalid="ignore"):
        table["p_adjusted"] = np.fmin(r["p_adjusted_precursor"], r["p_adjusted_trigger"])
        table["q_bh"] = np.fmin(r["q_precursor"], r["q_trigger"])
    pp, pt = r["p_poisson_precursor"], r["p_poisson_trigger"]
    table["p_poisson_analytic"] = {
        "both": np.minimum(1.0, 2.0 * np.minimum(pp, pt)),
        "precursor": pp,
        "trigger": pt,
    }[direction]
    c = r["correlation"]
    return CoincidenceResult(
        table={k: table[k] for k in _TABLE_COLUMNS},
        global_p=float(r["global_p"]),
        null=r["null"],
        correction=r["correction"],
        direction=r["direction"],
        n_tests=int(r["n_tests"]),
        n_surrogates=int(r["n_surrogates"]),
        n_lookups=int(r["n_lookups"]),
        n_events=int(r["n_events"]),
        n_events_dropped=int(r["n_events_dropped"]),
        bin_width=float(c["bin_width"]),
        correlation_lags=np.asarray(c["lags"], dtype=int),
        correlation_r=c["r"],
        correlation_p=c["p"],
        correlation_p_adjusted=c["p_adjusted"],
        correlation_global_p=float(c["global_p"]) if correlation else float("nan"),
    )


__all__ = ["CORRECTIONS", "DIRECTIONS", "CoincidenceResult", "coincidence"]
