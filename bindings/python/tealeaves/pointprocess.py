"""Point-process models of one series: machine, person or chance?

``compare_models`` fits competing generative models to a series' event times by maximum
likelihood on its observation window (outages count as zero exposure) and says which explains
it best:

``poisson``  a constant rate: chance.
``routine``  an inhomogeneous Poisson process, log-rate = K daily Fourier harmonics in local time
             + a weekend effect (local Saturday/Sunday vs weekdays) + a linear trend: a
             person's (or a cron table's) daily routine without memory. Harmonics are used only
             for windows of >= 2 days, the weekend term only with >= 1 day of each kind.
``renewal``  a jittered periodic schedule: gap = m P + N(0, s^2), m >= 1 geometric (each beat
             missed with probability q), each component truncated to gaps > 0 (a proper
             density): a machine beacon.
``hawkes``   self-exciting: lambda(t) = mu b(t) + sum alpha beta exp(-beta (t - t_i)) over the
             routine background b (normalised to mean 1) or a constant: bursts of activity,
             e.g. a person's sessions. ``branching_ratio`` = alpha, the share of events
             triggered by earlier ones.

Every stored event counts once whatever its multiplicity (a collapsed retry cluster is one
lookup). Each fit reports its log-likelihood, AIC, BIC and a time-rescaling goodness of fit:
the fitted compensator between events should be i.i.d. Exp(1); ``ks_p`` is the asymptotic KS
p-value of that, optimistic (too large) because the parameters were fitted on the same data.

Likelihood-ratio tests (each on its own; no correction across the two):
``poisson`` vs ``routine``: chi2(dof) asymptotics and a parametric bootstrap from the fitted
Poisson; ``routine`` (or ``poisson``) vs ``hawkes``: alpha = 0 lies on the boundary and beta is
then unidentified, so only the parametric bootstrap from the fitted background is used.
Bootstrap p = (k + 1) / (B + 1), seeded, identical for any thread count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._series_input import as_series
from ._validation import check_choice, check_count
from .results import _html_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

_vd = _core.verdict

MODELS = ("poisson", "routine", "renewal", "hawkes")

__all__ = [
    "MODELS",
    "LRTest",
    "ModelComparison",
    "ProcessFit",
    "compare_models",
    "simulate_hawkes",
    "simulate_renewal",
]


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class ProcessFit:
    """One point-process model fitted by maximum likelihood.

    ``rescaled`` holds the fitted compensator's increments between events (Exp(1) under the
    model); ``ks_stat``/``ks_p`` test them against Exp(1) (null: the fitted model generated the
    series; p optimistic as the parameters were fitted). ``status``: ok, not_converged,
    at_bound (a parameter at its constraint, or a routine coefficient beyond +-15: the rate is
    ~0 somewhere, e.g. no weekend events), insufficient_data (< 3 events or no exposure) or
    tied_events (hawkes/renewal: exactly equal times make the likelihood degenerate; use
    ``series.collapsed(tolerance)``). Only finite likelihoods enter the AIC/BIC ranking.
    """

    name: str
    params: dict[str, float]
    loglik: float
    n_params: int
    aic: float
    bic: float
    ks_stat: float
    ks_p: float
    status: str
    converged: bool
    rescaled: np.ndarray = field(repr=False, compare=False)
    ks_null: str = "rescaled inter-event compensator increments ~ i.i.d. Exp(1) (fitted model)"

    @classmethod
    def _from(cls, raw: dict[str, Any]) -> ProcessFit:
        return cls(
            name=raw["name"],
            params={k: float(v) for k, v in raw["params"].items()},
            loglik=float(raw["log_likelihood"]),
            n_params=int(raw["n_params"]),
            aic=float(raw["aic"]),
            bic=float(raw["bic"]),
            ks_stat=float(raw["ks_stat"]),
            ks_p=float(raw["ks_p"]),
            status=str(raw["status"]),
            converged=bool(raw["converged"]),
            rescaled=np.asarray(raw["rescaled"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "params": {k: _plain(v) for k, v in self.params.items()},
            "loglik": _plain(self.loglik),
            "n_params": self.n_params,
            "aic": _plain(self.aic),
            "bic": _plain(self.bic),
            "ks_stat": _plain(self.ks_stat),
            "ks_p": _plain(self.ks_p),
            "ks_null": self.ks_null,
            "status": self.status,
            "converged": self.converged,
        }

    def _repr_html_(self) -> str:
        rows: dict[str, Any] = dict(self.params)
        rows.update(loglik=self.loglik, AIC=self.aic, BIC=self.bic, KS=self.ks_stat, p_KS=self.ks_p)
        rows["status"] = self.status
        return _html_table(f"ProcessFit: {self.name}", rows)


@dataclass(frozen=True)
class LRTest:
    """Likelihood-ratio test of a nested pair; ``null_model`` is what the bootstrap simulated.

    ``p_value`` is the parametric-bootstrap p (k + 1) / (B + 1) when ``n_bootstrap`` > 0, else
    the chi2(dof) p (NaN for hawkes, where the chi2 theory does not hold). One test: no
    multiplicity correction.
    """

    null: str
    alternative: str
    statistic: float
    dof: float
    p_value: float
    method: str
    p_chi2: float
    p_bootstrap: float
    k: int
    n_bootstrap: int
    null_model: str
    correction: str = "none: each test stands alone (not corrected across tests or models)"

    def to_dict(self) -> dict[str, Any]:
        return {k: _plain(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class ModelComparison:
    """Fits of competing point-process models to one series, ranked by AIC and BIC."""

    fits: list[ProcessFit]
    best_aic: str | None
    best_bic: str | None
    lr_tests: list[LRTest]
    branching_ratio: float
    hawkes_background: str
    n_events: int
    exposure: float
    utc_offset_hours: float

    def fit(self, name: str) -> ProcessFit:
        for f in self.fits:
            if f.name == name:
                return f
        raise KeyError(f"name: no fit named {name!r}; fitted: {[f.name for f in self.fits]}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "fits": [f.to_dict() for f in self.fits],
            "best_aic": self.best_aic,
            "best_bic": self.best_bic,
            "lr_tests": [t.to_dict() for t in self.lr_tests],
            "branching_ratio": _plain(self.branching_ratio),
            "hawkes_background": self.hawkes_background,
            "n_events": self.n_events,
            "exposure": self.exposure,
            "utc_offset_hours": self.utc_offset_hours,
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per model: loglik, n_params, AIC, BIC, delta AIC/BIC, KS, status."""
        import pandas as pd

        frame = pd.DataFrame(
            [
                {
                    "model": f.name,
                    "loglik": f.loglik,
                    "n_params": f.n_params,
                    "aic": f.aic,
                    "bic": f.bic,
                    "ks_stat": f.ks_stat,
                    "ks_p": f.ks_p,
                    "status": f.status,
                }
                for f in self.fits
            ]
        ).set_index("model")
        frame.insert(4, "delta_aic", frame["aic"] - frame["aic"].min())
        frame.insert(5, "delta_bic", frame["bic"] - frame["bic"].min())
        return frame

    def plot(self, ax: Axes | None = None) -> Axes:
        """Time-rescaling P-P plot (Brown et al. 2002): Exp(1) CDF of each model's sorted
        rescaled gaps against uniform quantiles, with the 95% KS band around the diagonal."""
        from .plotting import new_axes

        ax = new_axes(ax)
        n_max = 0
        for f in self.fits:
            x = np.sort(f.rescaled)
            if x.size == 0:
                continue
            u = (np.arange(1, x.size + 1) - 0.5) / x.size
            ax.plot(u, -np.expm1(-x), linewidth=1.2, label=f"{f.name} (KS p={f.ks_p:.2g})")
            n_max = max(n_max, x.size)
        ax.plot([0, 1], [0, 1], "k-", linewidth=0.8)
        if n_max:
            band = 1.36 / np.sqrt(n_max)
            ax.plot([0, 1], [band, 1 + band], "k--", linewidth=0.6)
            ax.plot([0, 1], [-band, 1 - band], "k--", linewidth=0.6)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("uniform quantile")
        ax.set_ylabel("Exp(1) CDF of rescaled gap")
        ax.legend()
        return ax

    def _repr_html_(self) -> str:
        rows: dict[str, Any] = {
            f"{f.name} AIC / BIC": f"{f.aic:.6g} / {f.bic:.6g} ({f.status})" for f in self.fits
        }
        rows["best (AIC)"] = self.best_aic
        rows["best (BIC)"] = self.best_bic
        for t in self.lr_tests:
            rows[f"LR {t.null} vs {t.alternative}"] = f"{t.statistic:.4g}, p={t.p_value:.3g}"
        rows["branching ratio"] = self.branching_ratio
        rows["events"] = self.n_events
        return _html_table("ModelComparison", rows)


def compare_models(
    times_or_series: Any,
    *,
    utc_offset_hours: float = 0.0,
    models: tuple[str, ...] | list[str] = MODELS,
    harmonics: int = 3,
    weekly: bool = True,
    trend: bool = True,
    period_hint: float | None = None,
    n_bootstrap: int = 99,
    seed: int = 0,
    threads: int = 0,
) -> ModelComparison:
    """Fit poisson / routine / renewal / hawkes models to one series and compare them.

    Parameters
    ----------
    times_or_series : EventSeries, or times (float seconds or date-times; sorted as a repair)
    utc_offset_hours : fixed offset of local time from UTC (routine harmonics, weekend)
    models : names from ``MODELS``
    harmonics : daily Fourier harmonics K of the routine log-rate
    weekly, trend : include the weekend effect / the log-linear trend
    period_hint : starting period (seconds) for the renewal model (default: the median gap)
    n_bootstrap : parametric-bootstrap replicates per likelihood-ratio test (0: chi2 only)
    seed, threads : bootstrap replicate i of test j uses its own RNG stream; identical results
        for any thread count (0: all cores)

    Returns
    -------
    ModelComparison
    """
    series = as_series(times_or_series)
    names = [check_choice(m, "models", MODELS) for m in models]
    if not names:
        raise ValueError("models: must name at least one model")
    offset = float(utc_offset_hours)
    if not math.isfinite(offset) or abs(offset) > 24.0:
        raise ValueError(f"utc_offset_hours: must be within [-24, 24], got {utc_offset_hours!r}")
    hint = 0.0
    if period_hint is not None:
        hint = float(period_hint)
        if not math.isfinite(hint) or hint <= 0:
            raise ValueError(f"period_hint: must be positive and finite, got {period_hint!r}")
    raw = _vd.compare_models(
        series._impl,
        models=names,
        harmonics=check_count(harmonics, "harmonics"),
        weekly=bool(weekly),
        trend=bool(trend),
        utc_offset_seconds=offset * 3600.0,
        period_hint=hint,
        n_bootstrap=check_count(n_bootstrap, "n_bootstrap"),
        seed=check_count(seed, "seed"),
        threads=check_count(threads, "threads"),
    )
    return ModelComparison(
        fits=[ProcessFit._from(f) for f in raw["fits"]],
        best_aic=raw["best_aic"],
        best_bic=raw["best_bic"],
        lr_tests=[
            LRTest(
                null=t["null"],
                alternative=t["alternative"],
                statistic=float(t["statistic"]),
                dof=float(t["dof"]),
                p_value=float(t["p_value"]),
                method=t["method"],
                p_chi2=float(t["p_chi2"]),
                p_bootstrap=float(t["p_bootstrap"]),
                k=int(t["k"]),
                n_bootstrap=int(t["n_bootstrap"]),
                null_model=t["null_model"],
            )
            for t in raw["lr_tests"]
        ],
        branching_ratio=float(raw["branching_ratio"]),
        hawkes_background=raw["hawkes_background"],
        n_events=int(raw["n_events"]),
        exposure=float(raw["exposure"]),
        utc_offset_hours=offset,
    )


def simulate_hawkes(
    mu: float, alpha: float, beta: float, start: float, end: float, *, seed: int = 0
) -> np.ndarray:
    """Seeded Hawkes process with constant background ``mu`` (events/s) and kernel
    ``alpha beta exp(-beta t)`` on [start, end] (Ogata thinning, in the engine)."""
    return _vd.simulate_hawkes(
        float(mu), float(alpha), float(beta), float(start), float(end), check_count(seed, "seed")
    )


def simulate_renewal(
    period: float, jitter: float, miss: float, start: float, end: float, *, seed: int = 0
) -> np.ndarray:
    """Seeded jittered-period renewal process (the ``renewal`` model) on [start, end]."""
    return _vd.simulate_renewal(
        float(period),
        float(jitter),
        float(miss),
        float(start),
        float(end),
        check_count(seed, "seed"),
    )
