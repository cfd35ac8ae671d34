"""Inter-arrival times: distributions, maximum-likelihood models, tests and burstiness.

Whether lookups come from a schedule, a cache, people or chance shows in the gaps between them.
``interarrival`` fits every model to the gaps of one series and says which is best supported,
``fit_powerlaw`` fits a power-law tail the way Clauset, Shalizi & Newman (2009) do, and
``burstiness`` measures regularity and over-dispersion. Gaps that span an outage (a gap between
the series' good-time intervals) are not gaps between lookups: they are dropped and counted.

Every p-value states its null in the result (``null`` fields); Monte-Carlo p-values are
(k + 1) / (B + 1) over B replicates run in the C++ engine, seeded, identical for any thread
count.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _core
from ._interarrival_results import (
    COUNTING_NULL,
    GOF_NULL,
    NESTED_NULL,
    POWERLAW_NULL,
    VUONG_NULL,
    BurstinessResult,
    Comparison,
    InterarrivalResult,
    ModelFit,
    PowerLawFit,
    _comparisons,
)
from ._validation import as_float_array, check_choice, check_count
from .series import EventSeries

_ia = _core.interarrival

MODELS = ("exponential", "shifted_exponential", "gamma", "weibull", "lognormal", "jittered_period")
QUANTILES = (0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)

__all__ = [
    "COUNTING_NULL",
    "GOF_NULL",
    "MODELS",
    "NESTED_NULL",
    "POWERLAW_NULL",
    "VUONG_NULL",
    "BurstinessResult",
    "Comparison",
    "InterarrivalResult",
    "ModelFit",
    "PowerLawFit",
    "burstiness",
    "fit_distribution",
    "fit_powerlaw",
    "interarrival",
]


def _as_series(times: Any) -> EventSeries:
    if isinstance(times, EventSeries):
        series = times
    else:
        # Not sorted silently: unsorted times would give negative gaps.
        series = EventSeries(times)
    if len(series) < 2:
        raise ValueError(f"times: needs at least 2 events to have a gap, got {len(series)}")
    if series.times[0] == series.times[-1]:
        raise ValueError(
            f"times: all {len(series)} event times are equal; there is no positive gap"
        )
    return series


def _optional_positive(value: Any, name: str, default: float) -> float:
    if value is None:
        return default
    number = float(value)
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"{name}: must be finite and >= 0, got {value!r}")
    return number


def _windows(windows: Any) -> list[float]:
    if windows is None:
        return []
    values = as_float_array(windows, "windows")
    if np.any(~np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("windows: every window length must be positive and finite")
    return values.tolist()


def _check_level(level: float) -> float:
    if not 0.0 < float(level) < 1.0:
        raise ValueError(f"level: must be in (0, 1), got {level!r}")
    return float(level)


def interarrival(
    times: Any,
    *,
    models: tuple[str, ...] | list[str] = MODELS,
    gof_replicates: int = 200,
    power_law: bool = True,
    power_law_replicates: int = 200,
    period: float | None = None,
    resolution: float = 0.0,
    windows: Any = None,
    n_windows: int = 20,
    counting_replicates: int = 200,
    level: float = 0.95,
    refractory: float | None = None,
    quantiles: tuple[float, ...] = QUANTILES,
    bins_per_decade: float = 10.0,
    seed: int = 0,
    threads: int = 0,
) -> InterarrivalResult:
    """Fit, test and compare inter-arrival models on one series' gaps; measure burstiness.

    Parameters
    ----------
    times : EventSeries, or sorted times (float seconds or date-times)
        Gaps that span an outage of the series are dropped and counted (``n_spanning_outage``).
        Plain times must be sorted (unsorted times would give negative gaps); use
        ``EventSeries(times, sort=True)`` to sort them as a counted repair.
    models : names from ``MODELS`` fitted to every positive gap
    gof_replicates : parametric-bootstrap replicates per model for the KS/AD p-values (0: none)
    power_law, power_law_replicates : also fit a Clauset power-law tail, with its bootstrap
    period : a starting period for the jittered-period model (e.g. a periodogram peak)
    resolution : timestamp resolution in seconds (floor of the jitter; a strict schedule fits
        there with status ``at_bound``)
    windows, n_windows, counting_replicates, level : Fano/Allan windows (default log-spaced
        from half the mean gap to an eighth of the longest good interval) and Poisson bands
    refractory : the R of LvR in seconds (default: the smallest positive gap)
    seed, threads : the bootstraps are identical for any thread count (0: all cores)

    Returns
    -------
    InterarrivalResult. With fewer than 3 positive gaps ``status`` is "insufficient_data" and
    only the burstiness is filled.
    """
    series = _as_series(times)
    names = [check_choice(m, "models", MODELS) for m in models]
    raw = _ia.analyze(
        series._impl,
        models=names,
        gof_replicates=check_count(gof_replicates, "gof_replicates"),
        power_law=bool(power_law),
        power_law_replicates=check_count(power_law_replicates, "power_law_replicates"),
        period_hint=_optional_positive(period, "period", 0.0),
        resolution=_optional_positive(resolution, "resolution", 0.0),
        probabilities=[float(q) for q in quantiles],
        bins_per_decade=float(bins_per_decade),
        refractory=_optional_positive(refractory, "refractory", -1.0),
        windows=_windows(windows),
        n_windows=check_count(n_windows, "n_windows"),
        counting_replicates=check_count(counting_replicates, "counting_replicates"),
        level=_check_level(level),
        seed=check_count(seed, "seed"),
        threads=check_count(threads, "threads"),
    )
    sample = raw["sample"]
    empirical = raw["empirical"] or {}
    fits = {m["model"]: ModelFit._from(m) for m in raw["models"]}
    ranking = raw["ranking"]
    best = ranking["best"]
    pl = raw["power_law"]
    return InterarrivalResult(
        status=raw["status"],
        gaps=sample["gaps"],
        positive=raw["positive"],
        n_events=sample["n_events"],
        n_spanning_outage=sample["n_spanning_outage"],
        n_zero=sample["n_zero"],
        quantiles={
            float(p): float(q)
            for p, q in zip(empirical.get("probabilities", []), empirical.get("quantiles", []))
        },
        mode=float(empirical.get("mode", np.nan)),
        fits=fits,
        comparisons=_comparisons(raw["comparisons"]),
        best_model=None if best is None else raw["models"][best]["model"],
        strength=ranking["strength"],
        evidence=ranking["evidence"],
        power_law=None if pl is None else PowerLawFit._from(pl, raw["positive"], "exact"),
        burstiness=BurstinessResult._from(
            {**raw["burstiness"], "counting": raw["counting"]},
            sample["n_spanning_outage"],
            sample["n_zero"],
        ),
        empirical=empirical,
        ranking=ranking,
    )


def fit_powerlaw(
    values: Any,
    discrete: bool = False,
    *,
    xmin: float | None = None,
    min_tail: int = 2,
    replicates: int = 1000,
    uncertainty_replicates: int = 0,
    compare: bool = True,
    convention: str = "exact",
    seed: int = 0,
    threads: int = 0,
) -> PowerLawFit:
    """Power-law tail by Clauset, Shalizi & Newman (2009).

    alpha by maximum likelihood above x_min (Hurwitz-zeta likelihood when ``discrete``), x_min
    by the smallest Kolmogorov-Smirnov distance over every distinct value (unless given), a
    semi-parametric bootstrap p-value (``replicates``; each replicate re-chooses x_min), an
    optional non-parametric bootstrap of x_min/alpha/n_tail spreads (``uncertainty_replicates``)
    and likelihood-ratio tests against exponential, log-normal, Weibull (stretched exponential)
    and cut-off power-law tails (continuous data).

    ``convention="plfit"`` reproduces Clauset's code (one-sided KS on the order statistics,
    discrete alpha on a 0.01 grid), and so Table 6.1 of the paper; "exact" (default) uses the
    KS statistic itself. Values <= 0 are dropped and counted (``n_nonpositive``).
    """
    array = as_float_array(values, "values")
    check_choice(convention, "convention", ("exact", "plfit"))
    raw = _ia.fit_powerlaw(
        array,
        discrete=bool(discrete),
        xmin=_optional_positive(xmin, "xmin", 0.0),
        min_tail=check_count(min_tail, "min_tail", minimum=2),
        convention=convention,
        replicates=check_count(replicates, "replicates"),
        uncertainty_replicates=check_count(uncertainty_replicates, "uncertainty_replicates"),
        compare=bool(compare),
        seed=check_count(seed, "seed"),
        threads=check_count(threads, "threads"),
    )
    return PowerLawFit._from(raw, array, convention)


def burstiness(
    times: Any,
    *,
    refractory: float | None = None,
    windows: Any = None,
    n_windows: int = 20,
    replicates: int = 200,
    level: float = 0.95,
    seed: int = 0,
    threads: int = 0,
) -> BurstinessResult:
    """Burstiness (CV, B, B_n, memory, CV2, LV, LvR) and Fano/Allan factors with Poisson bands.

    ``times``: an EventSeries or sorted times; gaps across outages are dropped and counted, and
    consecutive-gap statistics never pair gaps across an outage. See ``interarrival`` for the
    window and Monte-Carlo options.
    """
    series = _as_series(times)
    raw = _ia.burstiness(
        series._impl,
        refractory=_optional_positive(refractory, "refractory", -1.0),
        windows=_windows(windows),
        n_windows=check_count(n_windows, "n_windows"),
        replicates=check_count(replicates, "replicates"),
        level=_check_level(level),
        seed=check_count(seed, "seed"),
        threads=check_count(threads, "threads"),
    )
    return BurstinessResult._from(raw, raw["n_spanning_outage"], raw["n_zero"])


def fit_distribution(
    values: Any,
    model: str,
    *,
    xmin: float | None = None,
    discrete: bool = False,
    period: float | None = None,
    resolution: float = 0.0,
    gof_replicates: int = 0,
    seed: int = 0,
    threads: int = 0,
) -> ModelFit:
    """One model's maximum-likelihood fit to positive values (any order), optionally with its
    bootstrap goodness of fit. ``xmin`` truncates exponential, weibull and lognormal to
    x >= xmin (power laws: default the smallest value)."""
    check_choice(model, "model", (*MODELS, "power_law", "power_law_cutoff"))
    array = np.sort(as_float_array(values, "values"))
    raw = _ia.fit_model(
        array,
        model,
        xmin=_optional_positive(xmin, "xmin", 0.0),
        discrete=bool(discrete),
        period_hint=_optional_positive(period, "period", 0.0),
        resolution=_optional_positive(resolution, "resolution", 0.0),
        gof_replicates=check_count(gof_replicates, "gof_replicates"),
        seed=check_count(seed, "seed"),
        threads=check_count(threads, "threads"),
    )
    return ModelFit._from(raw)
