"""Result objects of the inter-arrival analyses (see tealeaves.interarrivals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from .results import _html_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

_ia = _core.interarrival

GOF_NULL = (
    "the gaps are an independent sample from the model's family; parametric bootstrap that "
    "re-estimates the parameters in every replicate"
)
POWERLAW_NULL = (
    "power law above x_min, empirical distribution below it (Clauset et al. 2009 semi-parametric "
    "bootstrap); every replicate re-chooses x_min and refits alpha"
)
VUONG_NULL = "both models equally close to the truth (Vuong), two-sided; one test per pair"
NESTED_NULL = "the smaller (nested) model is true: chi^2 likelihood-ratio test; one test per pair"
COUNTING_NULL = (
    "homogeneous Poisson process with the same number of events on the good-time intervals; "
    "two-sided, one test per window length (no correction across windows)"
)


@dataclass(frozen=True, eq=False)
class ModelFit:
    """A maximum-likelihood fit, with bootstrap goodness of fit when it was run.

    ``params``/``std_errors`` map parameter names to values (see ``tealeaves.interarrivals``
    docs for each model's parameters); ``xmin`` > 0 means the model is truncated to x >= xmin.
    ``p_ks``/``p_ad``: null ``GOF_NULL``; NaN when no bootstrap was run.
    """

    model: str
    params: dict[str, float]
    std_errors: dict[str, float]
    log_likelihood: float
    n: int
    xmin: float
    discrete: bool
    status: str
    aic: float
    bic: float
    ks: float = np.nan
    anderson_darling: float = np.nan
    p_ks: float = np.nan
    p_ad: float = np.nan
    gof_replicates: int = 0
    null: str = GOF_NULL

    @classmethod
    def _from(cls, raw: dict[str, Any]) -> ModelFit:
        gof = raw.get("gof", {})
        return cls(
            model=raw["model"],
            params=dict(zip(raw["param_names"], raw["params"])),
            std_errors=dict(zip(raw["param_names"], raw["std_errors"])),
            log_likelihood=raw["log_likelihood"],
            n=raw["n"],
            xmin=raw["xmin"],
            discrete=raw["discrete"],
            status=raw["status"],
            aic=raw["aic"],
            bic=raw["bic"],
            ks=gof.get("ks", np.nan),
            anderson_darling=gof.get("anderson_darling", np.nan),
            p_ks=gof.get("p_ks", np.nan),
            p_ad=gof.get("p_ad", np.nan),
            gof_replicates=gof.get("replicates", 0),
        )

    @property
    def usable(self) -> bool:
        return bool(np.isfinite(self.log_likelihood))

    def _evaluate(self, x: Any, kind: str) -> np.ndarray:
        values = np.atleast_1d(np.asarray(x, dtype=np.float64))
        params = list(self.params.values())
        return _ia.evaluate(self.model, params, self.xmin, self.discrete, values, kind)

    def pdf(self, x: Any) -> np.ndarray:
        """Density (probability for the discrete power law) at x."""
        return np.exp(self._evaluate(x, "log_pdf"))

    def cdf(self, x: Any) -> np.ndarray:
        return self._evaluate(x, "cdf")

    def sf(self, x: Any) -> np.ndarray:
        """P(X > x), accurate in the far tail."""
        return self._evaluate(x, "sf")

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {"value": self.params, "std_error": self.std_errors}, index=list(self.params)
        ).rename_axis(self.model)

    def plot(self, ax: Axes | None = None) -> Axes:
        """The fitted survival function on log-log axes."""
        from .plotting import new_axes

        ax = new_axes(ax)
        lo = self.xmin if self.xmin > 0 else 1e-3 * max(self.params.get("scale", 1.0), 1e-9)
        x = np.geomspace(lo, lo * 1e4, 400)
        ax.loglog(x, self.sf(x), label=self.model)
        ax.set_xlabel("inter-arrival time (s)")
        ax.set_ylabel("P(gap > x)")
        return ax

    def _repr_html_(self) -> str:
        rows: dict[str, Any] = {
            f"{k} ± se": f"{v:.6g} ± {self.std_errors[k]:.2g}" for k, v in self.params.items()
        }
        rows.update(
            status=self.status,
            n=self.n,
            log_likelihood=self.log_likelihood,
            AIC=self.aic,
            p_KS=self.p_ks,
            p_AD=self.p_ad,
        )
        return _html_table(f"ModelFit ({self.model})", rows)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Likelihood-ratio test of ``first`` against ``second`` on the same values.

    ``log_likelihood_ratio`` R > 0 favours ``first``. Non-nested pairs: Vuong's z = R /
    (sqrt(n) s) with two-sided p; nested pairs: chi^2 = 2 R_larger with ``dof`` degrees of
    freedom (2 for exponential vs shifted exponential, whose floor is the sample minimum).
    """

    first: str
    second: str
    nested: bool
    log_likelihood_ratio: float
    statistic: float
    dof: float
    p_value: float
    n: int

    @property
    def test(self) -> str:
        return "likelihood_ratio" if self.nested else "vuong"

    @property
    def null(self) -> str:
        return NESTED_NULL if self.nested else VUONG_NULL

    @property
    def favours(self) -> str:
        return self.first if self.log_likelihood_ratio >= 0 else self.second


def _comparisons(raw: list[dict[str, Any]]) -> tuple[Comparison, ...]:
    return tuple(Comparison(**c) for c in raw)


def _comparison_frame(comparisons: tuple[Comparison, ...]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(
        [
            {
                "first": c.first,
                "second": c.second,
                "test": c.test,
                "log_likelihood_ratio": c.log_likelihood_ratio,
                "statistic": c.statistic,
                "dof": c.dof,
                "p_value": c.p_value,
                "favours": c.favours,
            }
            for c in comparisons
        ]
    )
    frame.attrs["null"] = {"vuong": VUONG_NULL, "likelihood_ratio": NESTED_NULL}
    return frame


@dataclass(frozen=True, eq=False)
class PowerLawFit:
    """A power-law tail p(x) ~ x^-alpha above ``xmin`` (Clauset, Shalizi & Newman 2009).

    ``p_value`` (KS) and ``p_value_ad`` (Anderson-Darling): null ``POWERLAW_NULL``; a small
    p rules the power law out. ``comparisons``: the power law (first) against each alternative
    tail; R > 0 favours the power law (Clauset's Table 6.2 convention).
    """

    alpha: float
    alpha_se: float
    xmin: float
    n: int
    n_tail: int
    n_nonpositive: int
    discrete: bool
    ks_distance: float
    anderson_darling: float
    p_value: float
    p_value_ad: float
    replicates: int
    xmin_sd: float
    alpha_sd: float
    n_tail_sd: float
    uncertainty_replicates: int
    status: str
    convention: str
    fit: ModelFit
    alternatives: dict[str, ModelFit]
    comparisons: tuple[Comparison, ...]
    values: np.ndarray = field(repr=False)
    null: str = POWERLAW_NULL

    @classmethod
    def _from(cls, raw: dict[str, Any], values: np.ndarray, convention: str) -> PowerLawFit:
        skip = {"fit", "alternatives", "comparisons"}
        return cls(
            **{k: v for k, v in raw.items() if k not in skip},
            convention=convention,
            fit=ModelFit._from(raw["fit"]),
            alternatives={a["model"]: ModelFit._from(a) for a in raw["alternatives"]},
            comparisons=_comparisons(raw["comparisons"]),
            values=values,
        )

    def to_pandas(self) -> pd.DataFrame:
        """Tests of the power law against each alternative tail (empty for discrete data)."""
        return _comparison_frame(self.comparisons)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Empirical CCDF of the values with the fitted power law over the tail."""
        from .plotting import new_axes

        ax = new_axes(ax)
        x = np.sort(self.values[self.values > 0])
        survival = 1.0 - np.arange(len(x)) / len(x)
        ax.loglog(x, survival, ".", markersize=2, label="data")
        if np.isfinite(self.alpha):
            tail = np.geomspace(self.xmin, x[-1], 200)
            share = self.n_tail / self.n
            ax.loglog(
                tail,
                share * self.fit.sf(tail - (1 if self.discrete else 0)),
                label=(f"power law, alpha = {self.alpha:.2f}, x_min = {self.xmin:g}"),
            )
        ax.set_xlabel("x")
        ax.set_ylabel("P(X >= x)")
        ax.legend()
        return ax

    def _repr_html_(self) -> str:
        return _html_table(
            "PowerLawFit",
            {
                "alpha ± se": f"{self.alpha:.4g} ± {self.alpha_se:.2g}",
                "x_min": self.xmin,
                "n_tail / n": f"{self.n_tail} / {self.n}",
                "KS distance": self.ks_distance,
                f"p (KS, {self.replicates} replicates)": self.p_value,
                "null": self.null,
            },
        )


@dataclass(frozen=True, eq=False)
class BurstinessResult:
    """Regularity of the gaps and dispersion of the counts.

    cv, b (Goh-Barabasi: Poisson 0, schedule -1), b_n (Kim-Jo finite-size B), memory (correlation
    of consecutive gaps), cv2, lv, lvr (with ``refractory`` seconds). Fano F(T) and Allan A(T)
    factors are 1 for Poisson at every window T; bands and p-values: null ``COUNTING_NULL``.
    """

    cv: float
    b: float
    b_n: float
    memory: float
    cv2: float
    lv: float
    lvr: float
    refractory: float
    mean: float
    std_dev: float
    n_gaps: int
    n_pairs: int
    n_spanning_outage: int
    n_zero: int
    window: np.ndarray
    fano: np.ndarray
    allan: np.ndarray
    fano_band: np.ndarray
    allan_band: np.ndarray
    fano_p: np.ndarray
    allan_p: np.ndarray
    n_windows: np.ndarray
    replicates: int
    level: float
    null: str = COUNTING_NULL

    @classmethod
    def _from(cls, raw: dict[str, Any], outage: int, zero: int) -> BurstinessResult:
        c = raw["counting"]
        scalars = ("cv", "b", "b_n", "memory", "cv2", "lv", "lvr", "refractory", "mean")
        return cls(
            **{k: raw[k] for k in scalars},
            std_dev=raw["std_dev"],
            n_gaps=raw["n_gaps"],
            n_pairs=raw["n_pairs"],
            n_spanning_outage=outage,
            n_zero=zero,
            window=c["window"],
            fano=c["fano"],
            allan=c["allan"],
            fano_band=np.column_stack([c["fano_low"], c["fano_high"]]),
            allan_band=np.column_stack([c["allan_low"], c["allan_high"]]),
            fano_p=c["fano_p"],
            allan_p=c["allan_p"],
            n_windows=c["n_windows"],
            replicates=c["replicates"],
            level=c["level"],
        )

    @property
    def statistics(self) -> dict[str, float]:
        names = ("cv", "b", "b_n", "memory", "cv2", "lv", "lvr")
        return {k: float(getattr(self, k)) for k in names}

    def to_pandas(self) -> pd.DataFrame:
        """Fano and Allan factors per window length; the gap statistics are in ``.attrs``."""
        import pandas as pd

        frame = pd.DataFrame(
            {
                "fano": self.fano,
                "fano_low": self.fano_band[:, 0],
                "fano_high": self.fano_band[:, 1],
                "fano_p": self.fano_p,
                "allan": self.allan,
                "allan_low": self.allan_band[:, 0],
                "allan_high": self.allan_band[:, 1],
                "allan_p": self.allan_p,
                "n_windows": self.n_windows,
            },
            index=pd.Index(self.window, name="window_s"),
        )
        frame.attrs.update(self.statistics, null=self.null)
        return frame

    def plot(self, ax: Axes | None = None) -> Axes:
        """F(T) and A(T) with their Poisson bands; 1 is the Poisson expectation."""
        from .plotting import new_axes

        ax = new_axes(ax)
        for name, values, band in (
            ("Fano F(T)", self.fano, self.fano_band),
            ("Allan A(T)", self.allan, self.allan_band),
        ):
            (line,) = ax.loglog(self.window, values, marker="o", markersize=3, label=name)
            if self.replicates:
                ax.fill_between(
                    self.window, band[:, 0], band[:, 1], alpha=0.2, color=line.get_color()
                )
        ax.axhline(1.0, color="0.5", linewidth=0.8, linestyle="--")
        ax.set_xlabel("window T (s)")
        ax.set_ylabel("factor (Poisson: 1)")
        ax.legend()
        return ax

    def _repr_html_(self) -> str:
        return _html_table(
            "BurstinessResult",
            {
                **self.statistics,
                "gaps": self.n_gaps,
                "dropped across outages": self.n_spanning_outage,
            },
        )


@dataclass(frozen=True, eq=False)
class InterarrivalResult:
    """Everything ``interarrival`` found: fits, tests, the best supported model, burstiness.

    ``gaps``: every gap between consecutive lookups inside the observation (zeros included);
    ``positive``: the sorted positive gaps every model was fitted to. ``best_model`` is the
    lowest AIC; ``strength`` follows its AIC lead over the runner-up (decisive >= 10, strong >= 6,
    positive >= 2, else weak) and ``evidence`` quotes the numbers and the test between the two.
    """

    status: str
    gaps: np.ndarray
    positive: np.ndarray
    n_events: int
    n_spanning_outage: int
    n_zero: int
    quantiles: dict[float, float]
    mode: float
    fits: dict[str, ModelFit]
    comparisons: tuple[Comparison, ...]
    best_model: str | None
    strength: str
    evidence: str
    power_law: PowerLawFit | None
    burstiness: BurstinessResult
    empirical: dict[str, np.ndarray] = field(repr=False)
    ranking: dict[str, Any] = field(repr=False)

    def to_pandas(self) -> pd.DataFrame:
        """The AIC/BIC table: one row per model, best first."""
        import pandas as pd

        rows = []
        for i, (name, f) in enumerate(self.fits.items()):
            rows.append(
                {
                    "model": name,
                    "k": len(f.params),
                    "log_likelihood": f.log_likelihood,
                    "aic": f.aic,
                    "bic": f.bic,
                    "delta_aic": self.ranking["delta_aic"][i],
                    "akaike_weight": self.ranking["akaike_weight"][i],
                    "p_ks": f.p_ks,
                    "p_ad": f.p_ad,
                    "status": f.status,
                    "params": ", ".join(f"{k}={v:.4g}" for k, v in f.params.items()),
                }
            )
        frame = pd.DataFrame(rows).set_index("model") if rows else pd.DataFrame()
        if rows:
            frame = frame.sort_values("aic", na_position="last")
        frame.attrs.update(best_model=self.best_model, evidence=self.evidence, null=GOF_NULL)
        return frame

    def comparisons_frame(self) -> pd.DataFrame:
        return _comparison_frame(self.comparisons)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Empirical survival function of the gaps with every fitted model (log-log)."""
        from .plotting import new_axes

        ax = new_axes(ax)
        x = self.positive
        if len(x):
            ax.loglog(
                x, 1.0 - np.arange(len(x)) / len(x), ".", markersize=2, color="k", label="gaps"
            )
            grid = np.geomspace(x[0], x[-1], 300)
            for name, f in self.fits.items():
                if f.usable:
                    style = "-" if name == self.best_model else ":"
                    ax.loglog(grid, np.maximum(f.sf(grid), 1e-300), style, label=name)
            ax.set_ylim(0.5 / len(x), 1.5)
        ax.set_xlabel("inter-arrival time (s)")
        ax.set_ylabel("P(gap > x)")
        ax.set_title(f"best supported: {self.best_model} ({self.strength})")
        ax.legend(fontsize="small")
        return ax

    def _repr_html_(self) -> str:
        table = self.to_pandas()._repr_html_() if self.fits else ""  # type: ignore[operator]
        head = _html_table(
            "InterarrivalResult",
            {
                "status": self.status,
                "gaps used": len(self.positive),
                "dropped across outages": self.n_spanning_outage,
                "best model": str(self.best_model),
                "evidence": self.evidence,
                "burstiness B": self.burstiness.b,
            },
        )
        return head + table
