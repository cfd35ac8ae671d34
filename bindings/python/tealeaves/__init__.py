"""tealeaves: is this lookup pattern a machine, a person, or chance?

Statistics for DNS lookup event series on a C++ engine (FFTW, Eigen, Boost.Math).
"""

from __future__ import annotations

try:
    from . import _core  # noqa: F401
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        "tealeaves' compiled engine (tealeaves._core) is missing or failed to load. "
        "Install the package with `pip install .` from the source tree (it builds the C++ "
        "engine; needs libfftw3-dev, libeigen3-dev, libboost-dev), or run `scripts/dev setup`. "
        f"Original error: {exc}"
    ) from exc

from . import surrogates
from .bursts import (
    BayesianBlocks,
    Bursts,
    ChangePoints,
    FirstLookup,
    Outages,
    bayesian_blocks,
    bursts,
    change_points,
    first_lookup,
    outages,
)
from .events import FoldedProfile, HTestResult, Z2Periodogram, fold, htest, z2n
from .interarrivals import (
    BurstinessResult,
    InterarrivalResult,
    ModelFit,
    PowerLawFit,
    burstiness,
    fit_powerlaw,
    interarrival,
)
from .lockstep import Lockstep, lockstep
from .lomb_scargle import LombScargleResult, lomb_scargle
from .multiple_testing import MultitestResult, multitest
from .nullmodels import McResult, mc_test
from .periodicity import (
    Period,
    PeriodicSpans,
    PeriodSearch,
    TtlFloor,
    detect_periods,
    periodic_spans,
    ttl_floor,
)
from .pointprocess import LRTest, ModelComparison, ProcessFit, compare_models
from .rank import RankResult, rank
from .results import ACFResult, BinnedCounts, LjungBoxResult, Spectrum
from .rhythm import RhythmResult, TimezoneFit, fit_timezone, rhythm
from .series import EventSeries
from .spectral import (
    acf,
    bin_events,
    clear_plan_cache,
    ljung_box,
    next_fast_size,
    periodogram,
    plan_cache_stats,
    prepare_plans,
    welch,
)
from .timeline import CoincidenceResult, coincidence
from .verdict import Evidence, Verdict, verdict

__version__ = "0.1.0"

_LAZY = {"read_log": "io", "group_series": "io"}  # these pull in pandas; import on first use


def __getattr__(name: str):  # PEP 562
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'tealeaves' has no attribute {name!r}")


__all__ = [
    "ACFResult",
    "BayesianBlocks",
    "BinnedCounts",
    "BurstinessResult",
    "Bursts",
    "ChangePoints",
    "CoincidenceResult",
    "EventSeries",
    "Evidence",
    "FirstLookup",
    "FoldedProfile",
    "HTestResult",
    "InterarrivalResult",
    "LRTest",
    "LjungBoxResult",
    "Lockstep",
    "LombScargleResult",
    "McResult",
    "ModelComparison",
    "ModelFit",
    "MultitestResult",
    "Outages",
    "Period",
    "PeriodSearch",
    "PeriodicSpans",
    "PowerLawFit",
    "ProcessFit",
    "RankResult",
    "RhythmResult",
    "Spectrum",
    "TimezoneFit",
    "TtlFloor",
    "Verdict",
    "Z2Periodogram",
    "__version__",
    "acf",
    "bayesian_blocks",
    "bin_events",
    "burstiness",
    "bursts",
    "change_points",
    "clear_plan_cache",
    "coincidence",
    "compare_models",
    "detect_periods",
    "first_lookup",
    "fit_powerlaw",
    "fit_timezone",
    "fold",
    "group_series",
    "htest",
    "interarrival",
    "ljung_box",
    "lockstep",
    "lomb_scargle",
    "mc_test",
    "multitest",
    "next_fast_size",
    "outages",
    "periodic_spans",
    "periodogram",
    "plan_cache_stats",
    "prepare_plans",
    "rank",
    "read_log",
    "rhythm",
    "surrogates",
    "ttl_floor",
    "verdict",
    "welch",
    "z2n",
]
