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
     computed by quadrature for any K (exact to ~1e-12), with K the effective number of segments
     (sum L)^2 / sum L^2 of their noise levels L, rounded down (conservative); or
   - the gaps never fall below a floor (TTL floor: cache expiry or a schedule), improbable for
     Poisson lookups at the same rate (``ttl_floor``).
   A line found in the binned counts is then placed on the **event times**: bins of width d
   cannot tell a beat at f0 from one at |m/d +- f0| (a 1.513 s tick in 1 s bins shows at
   2.94 s), so f0 and each such alias up to 1 Hz (at most 32 orders) is refined by the Rayleigh
   power of the lookup times within one spacing of the periodogram, and the strongest wins (on
   near-ties, within 10 %, the lowest frequency: a strict train has equal power at its
   harmonics). The line's p-value is the detection and is unchanged; its period (``period_s``,
   ``details["line_period_s"]``) is the refined one, free of the bin grid's 1/(k T) steps, and
   the beat filter of rule 3 uses it. ``details["line_binned_period_s"]`` keeps the bin grid's.
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

Everything is computed by the C++ engine (``tealeaves::verdict::verdict``); this module only
presents the result.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import _core
from ._series_input import as_series
from ._validation import check_count, check_positive
from .series import EventSeries

if TYPE_CHECKING:
    import pandas as pd

RULES = __doc__
LABELS = ("periodic", "human", "random", "mixed", "insufficient")
_vd = _core.verdict


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
            "line_period_s": _json_float(self.details.get("line_period_s")),
            "line_binned_period_s": _json_float(self.details.get("line_binned_period_s")),
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
    threads: int = 1,
) -> Verdict:
    """Machine, person, chance, or both: the label and the evidence behind it (see ``RULES``).

    Parameters
    ----------
    times_or_series : array of epoch seconds, datetimes or an EventSeries (its window and gaps
        are used as given).
    alpha : level of each test.
    bin_width, max_period : the line search covers periods from 2 ``bin_width`` to ``max_period``;
        ``bin_width`` defaults to 10 s, or for long series the finest of 15 s, 20 s, 30 s, 1, 2,
        5, 10, 15, 30, 60 min that keeps the spectrum within 2^17 bins, and for series under
        about 2.8 h the coarsest of 5, 2, 1, 0.5, 0.2 s (0.1 s at the least) giving 1024 bins.
    collapse_within : lookups closer than this are one session for the human tests.
    min_events : fewer lookups give "insufficient".
    n_surrogates, n_bootstrap, seed : Monte-Carlo sizes of the rhythm tests and of the
        self-excitation bootstrap, and their seed (p = (k+1)/(n+1)).
    threads : threads of the self-excitation bootstrap (0: all cores); results do not depend
        on it.
    """
    series = as_series(times_or_series)
    alpha = check_positive(alpha, "alpha")
    if alpha >= 1:
        raise ValueError(f"alpha: must be in (0, 1), got {alpha}")
    width = 0.0 if bin_width is None else check_positive(bin_width, "bin_width")
    # The rhythm family has two tests (Bonferroni x2), self-excitation stands alone.
    for size, name, tests in ((n_surrogates, "n_surrogates", 2), (n_bootstrap, "n_bootstrap", 1)):
        if isinstance(size, int) and 0 < size and tests / (size + 1) >= alpha:
            warnings.warn(
                f"{name}: {size} Monte-Carlo draws cannot give a corrected p below "
                f"alpha={alpha} (the smallest is {tests}/({size}+1)); that human test cannot fire",
                stacklevel=2,
            )
    raw = _vd.verdict(
        series._impl,
        alpha=alpha,
        bin_width=width,
        max_period=float(max_period),
        collapse_within=check_positive(collapse_within, "collapse_within"),
        min_events=check_count(min_events, "min_events"),
        n_surrogates=check_count(n_surrogates, "n_surrogates", minimum=1),
        n_bootstrap=check_count(n_bootstrap, "n_bootstrap", minimum=1),
        seed=check_count(seed, "seed"),
        threads=check_count(threads, "threads"),
    )
    details = {}
    if raw["label"] != "insufficient":
        keys = (
            "p_machine",
            "p_human",
            "p_line",
            "p_segment_line",
            "line_period_s",
            "line_binned_period_s",
        )
        details = {k: float(raw[k]) for k in keys}
    return Verdict(
        label=raw["label"],
        evidence=[Evidence(**e) for e in raw["evidence"]],
        n_events=int(raw["n_events"]),
        alpha=float(raw["alpha"]),
        period_s=raw["period_s"],
        n_residual=int(raw["n_residual"]),
        details=details,
    )


# -- building blocks, exposed for tests ----------------------------------------------------


@dataclass(frozen=True)
class _Line:
    period: float
    p_global: float
    k_eff: float
    evidence: Evidence
    binned_period: float = float("nan")
    alias_order: int = 0


def _segment_line_evidence(series: EventSeries, bin_width: float) -> _Line:
    """The segment-averaged line search alone (engine)."""
    raw = _vd.segment_line(as_series(series)._impl, check_positive(bin_width, "bin_width"))
    return _Line(
        raw["period"],
        raw["p_global"],
        raw["k_eff"],
        Evidence(**raw["evidence"]),
        raw["binned_period"],
        int(raw["alias_order"]),
    )


def _log_sf_ratio(r: float) -> float:
    """log P(X / M > r), X ~ Exp(1) and M the 32nd smallest of 64 iid Exp(1) (closed form)."""
    return _vd.log_sf_ratio(float(r))


def _log_sf_ratio_averaged(r: float, k: float) -> float:
    """log P(X / M > r), X the mean of k iid Exp(1) and M the 32nd smallest of 64 such means
    (any real k >= 1; k = 1 is ``_log_sf_ratio``)."""
    return _vd.log_sf_ratio_averaged(float(r), float(k))


def _json_float(x: float | None) -> float | None:
    """NaN (not searched) as None: JSON has no NaN."""
    return None if x is None or x != x else float(x)


def _fmt_p(p: float | None) -> str:
    return "" if p is None else f"{p:.3g}"
