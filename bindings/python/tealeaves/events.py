"""Periodicity on raw event times: Z^2_n (Rayleigh for n = 1), the H-test, epoch folding.

Null hypothesis throughout: events uniform over the observed time (a homogeneous Poisson process
in the good-time intervals), so phases are uniform at any trial frequency. Z^2_n is whitened by
the observation window, so finite spans and gaps do not fake power at low frequencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._series_input import as_series
from ._validation import check_count, check_positive
from .results import _html_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

_events = _core.events
SINGLE_NULL = "uniform phases: homogeneous Poisson events over the observed time"


@dataclass(frozen=True, eq=False)
class Z2Periodogram:
    """Z^2_n on a uniform grid f0 + k df. Each value is chi^2 with 2n dof under the null."""

    power: np.ndarray
    f0: float
    df: float
    harmonics: int
    n_events: int
    time_variance: float
    error_bound: float = 0.0  # fast path: max |power - exact| over the grid; 0 when exact

    @cached_property
    def frequency(self) -> np.ndarray:
        return self.f0 + self.df * np.arange(len(self.power))

    @property
    def fmax(self) -> float:
        return self.f0 + self.df * (len(self.power) - 1)

    def log_p_single(self, power: Any = None) -> np.ndarray:
        """log P(chi^2_2n > power) for each value (default: every grid value)."""
        values = self.power if power is None else np.atleast_1d(np.asarray(power, float))
        return np.array([_events.z2_log_p_single(float(z), self.harmonics) for z in values])

    def log_p_global(self, power: Any = None) -> np.ndarray:
        """log P(the maximum over [f0, fmax] > power): Davies upcrossing bound, Baluev's form."""
        values = np.atleast_1d(np.asarray(self.power.max() if power is None else power, float))
        return np.array(
            [
                _events.z2_log_p_global(
                    float(z), self.harmonics, self.f0, self.fmax, self.time_variance
                )
                for z in values
            ]
        )

    def peaks(self, n: int = 5) -> pd.DataFrame:
        """The n strongest local maxima with single-trial and global p-values."""
        import pandas as pd

        power = self.power
        left = np.r_[-np.inf, power[:-1]]
        right = np.r_[power[1:], -np.inf]
        maxima = np.flatnonzero((power >= left) & (power > right))
        top = maxima[np.argsort(power[maxima], kind="stable")[::-1][:n]]
        log_single = self.log_p_single(power[top])
        log_global = self.log_p_global(power[top])
        frame = pd.DataFrame(
            {
                "frequency_hz": self.frequency[top],
                "period_s": 1.0 / self.frequency[top],
                "power": power[top],
                "p_single": np.exp(log_single),
                "p_global": np.exp(log_global),
                "log10_p_global": log_global / np.log(10),
            }
        )
        frame.attrs["null"] = SINGLE_NULL
        frame.attrs["global_method"] = (
            f"Davies upcrossing bound over [{self.f0:.4g}, {self.fmax:.4g}] Hz"
        )
        return frame

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame({"frequency_hz": self.frequency, "power": self.power})

    def plot(self, ax: Axes | None = None) -> Axes:
        from .plotting import new_axes

        ax = new_axes(ax)
        ax.plot(self.frequency, self.power, linewidth=0.6)
        ax.set_xlabel("frequency (Hz)")
        ax.set_ylabel(f"$Z^2_{{{self.harmonics}}}$")
        return ax

    def _repr_html_(self) -> str:
        return _html_table(
            "Z2Periodogram",
            {
                "harmonics": self.harmonics,
                "frequencies": len(self.power),
                "band (Hz)": f"{self.f0:.4g} .. {self.fmax:.4g}",
                "events": self.n_events,
            },
        )


def z2n(
    times_or_series: Any,
    *,
    harmonics: int = 2,
    fmin: float | None = None,
    fmax: float = 0.5,
    oversample: float = 5.0,
    min_cycles: float = 3.0,
    window_correction: bool = True,
    threads: int = 0,
    fast: bool = False,
    tolerance: float = 1e-10,
) -> Z2Periodogram:
    """Exact Z^2_n periodogram of event times over a uniform grid.

    The grid runs from ``fmin`` (default: ``min_cycles`` cycles over the window) to ``fmax``
    in steps of 1 / (oversample T). Computed with phasor recurrences (no sin/cos per event per
    frequency), vectorised and threaded over fixed blocks: identical for any ``threads``.
    Rayleigh's test is ``harmonics=1``.

    ``fast=True`` computes each harmonic's Fourier sums by a non-uniform FFT instead,
    O(N + F log F) rather than O(N F), for very large searches: every sum is within
    ``tolerance`` N of the exact one, and the resulting bound on each power is reported as
    ``error_bound``.
    """
    series = as_series(times_or_series)
    check_harmonics(harmonics)
    grid = _events.make_grid(
        series.duration,
        oversample=float(oversample),
        min_cycles=float(min_cycles),
        fmin=0.0 if fmin is None else check_positive(fmin, "fmin"),
        fmax=check_positive(fmax, "fmax"),
    )
    raw = _events.z2n_search(
        series._impl,
        f0=grid["f0"],
        df=grid["df"],
        n=grid["n"],
        harmonics=harmonics,
        window_correction=bool(window_correction),
        threads=check_count(threads, "threads"),
        fast=bool(fast),
        tolerance=float(tolerance),
    )
    return Z2Periodogram(
        power=raw["power"],
        f0=grid["f0"],
        df=grid["df"],
        harmonics=harmonics,
        n_events=raw["n_events"],
        time_variance=raw["time_variance"],
        error_bound=raw["error_bound"],
    )


@dataclass(frozen=True)
class HTestResult:
    """de Jager's H = max_m (Z^2_m - 4m + 4) at one frequency; P(H > h) = exp(-0.4 h)."""

    h: float
    harmonics: int
    log_p: float
    frequency: float
    null: str = SINGLE_NULL + "; one trial frequency (de Jager & Buesching 2010 tail)"

    @property
    def p_value(self) -> float:
        return float(np.exp(self.log_p))


def check_harmonics(harmonics: Any) -> int:
    """1..20: the phasor kernels are built for up to 20 harmonics (the H-test's range)."""
    value = check_count(harmonics, "harmonics", minimum=1)
    if value > 20:
        raise ValueError(f"harmonics: must be in 1..20, got {value}")
    return value


def htest(times_or_series: Any, frequency: float, *, max_harmonics: int = 20) -> HTestResult:
    """The H-test at one frequency (its tail law is calibrated for max_harmonics = 20)."""
    series = as_series(times_or_series)
    f = check_positive(frequency, "frequency")
    raw = _events.htest(
        series._impl, f, max_harmonics=check_count(max_harmonics, "max_harmonics", 1)
    )
    return HTestResult(h=raw["h"], harmonics=raw["harmonics"], log_p=raw["log_p"], frequency=f)


@dataclass(frozen=True, eq=False)
class FoldedProfile:
    """Events per phase bin at one frequency, against the counts the exposure predicts."""

    frequency: float
    counts: np.ndarray
    expected: np.ndarray
    chi2: float
    dof: int
    log_p: float
    null: str = SINGLE_NULL + "; one trial frequency"

    @property
    def p_value(self) -> float:
        return float(np.exp(self.log_p))

    @property
    def phase(self) -> np.ndarray:
        """Left edge of each phase bin, in cycles after the series origin."""
        return np.arange(len(self.counts)) / len(self.counts)

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {"counts": self.counts, "expected": self.expected},
            index=pd.Index(self.phase, name="phase"),
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        from .plotting import new_axes

        ax = new_axes(ax)
        phase = np.r_[self.phase, self.phase + 1]
        ax.step(phase, np.r_[self.counts, self.counts], where="post", label="events")
        ax.step(
            phase,
            np.r_[self.expected, self.expected],
            where="post",
            linestyle="--",
            label="expected (uniform)",
        )
        ax.set_xlabel(f"phase (cycles of {1 / self.frequency:.6g} s)")
        ax.set_ylabel("events")
        ax.legend()
        return ax

    def _repr_html_(self) -> str:
        return _html_table(
            "FoldedProfile",
            {
                "period (s)": 1 / self.frequency,
                "bins": len(self.counts),
                "chi2": self.chi2,
                "p (one trial)": self.p_value,
            },
        )


def fold(times_or_series: Any, frequency: float, *, bins: int = 10) -> FoldedProfile:
    """Epoch folding: the chi^2 of the folded profile against uniform-in-time expectation."""
    series = as_series(times_or_series)
    raw = _events.fold(
        series._impl, check_positive(frequency, "frequency"), bins=check_count(bins, "bins", 2)
    )
    return FoldedProfile(**raw)
