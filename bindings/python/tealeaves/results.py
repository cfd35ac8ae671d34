"""Result objects: frozen, with .to_pandas(), .plot(ax=None) and a notebook view."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ._stats import log_chi2_sf_even, sidak_log

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

_EPOCH_DISPLAY_THRESHOLD = 1e8


def _html_table(title: str, rows: dict[str, Any]) -> str:
    """A small two-column table for notebooks; numbers shown to 4 significant digits."""
    cells = "".join(
        f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
        f"<td>{html.escape(_cell(v))}</td></tr>"
        for k, v in rows.items()
    )
    return f"<b>{html.escape(title)}</b><table>{cells}</table>"


def _cell(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:.4g}"
    return str(value)


@dataclass(frozen=True, eq=False)
class BinnedCounts:
    """Events per bin. Bin k covers [origin + k w, origin + (k+1) w); see bin_events."""

    counts: np.ndarray
    exposure: np.ndarray
    bin_width: float
    origin: float
    total_count: float

    @property
    def fs(self) -> float:
        """Sampling frequency of the counts, Hz."""
        return 1.0 / self.bin_width

    @property
    def bin_starts(self) -> np.ndarray:
        """Left edge of each bin, in seconds after ``origin``."""
        return np.arange(len(self.counts)) * self.bin_width

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        index: Any = self.bin_starts
        if self.origin > _EPOCH_DISPLAY_THRESHOLD:
            index = pd.to_datetime(self.origin + self.bin_starts, unit="s", utc=True)
        return pd.DataFrame(
            {"counts": self.counts, "exposure": self.exposure},
            index=pd.Index(index, name="bin_start"),
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        from .plotting import plot_counts

        return plot_counts(self, ax=ax)

    def _repr_html_(self) -> str:
        return _html_table(
            "BinnedCounts",
            {
                "bins": len(self.counts),
                "bin width (s)": self.bin_width,
                "events": self.total_count,
                "observed fraction": float(np.mean(self.exposure)),
            },
        )


@dataclass(frozen=True, eq=False)
class Spectrum:
    """One-sided power spectrum at frequencies k fs / nfft, k = 0 .. nfft // 2."""

    power: np.ndarray
    fs: float
    nfft: int
    nperseg: int
    noverlap: int
    n_segments: int
    scaling: str
    window: str
    method: str
    total_count: float
    # False when the counts came from bins with outages: then zero counts in unobserved time
    # break the homogeneous-Poisson null of the Leahy p-values, which peaks() then withholds.
    poisson_null: bool = True

    @cached_property
    def frequency(self) -> np.ndarray:
        """Frequencies in Hz (computed on first use: no memory spent when unused)."""
        return np.arange(len(self.power)) * (self.fs / self.nfft)

    @property
    def df(self) -> float:
        return self.fs / self.nfft

    def peaks(
        self, n: int = 5, *, fmin: float | None = None, fmax: float | None = None
    ) -> pd.DataFrame:
        """The n strongest local maxima (DC excluded) between fmin and fmax.

        For ``scaling="leahy"`` each peak has ``p_single``, the chance that one frequency of
        homogeneous Poisson counts reaches that power (chi^2 with 2 dof per segment, averaged
        over segments), and ``p_global``, the chance that any of the ``n_trials`` frequencies
        searched does (Sidak; conservative where a taper or padding correlates the bins).
        """
        import pandas as pd

        freq, power = self.frequency, self.power
        lo = max(fmin if fmin is not None else 0.0, self.df * 0.5)
        hi = fmax if fmax is not None else np.inf
        searched = np.flatnonzero((freq >= lo) & (freq <= hi))
        maxima = _local_maxima(power, searched)
        top = maxima[np.argsort(power[maxima], kind="stable")[::-1][:n]]
        frame = pd.DataFrame(
            {
                "frequency_hz": freq[top],
                "period_s": 1.0 / freq[top],
                "power": power[top],
            }
        )
        if self.scaling == "leahy" and not self.poisson_null:
            frame["p_single"] = np.nan
            frame["p_global"] = np.nan
            frame["log10_p_global"] = np.nan
        elif self.scaling == "leahy":
            log_p = log_chi2_sf_even(power[top] * self.n_segments, 2 * self.n_segments)
            frame["p_single"] = np.exp(log_p)
            frame["p_global"] = np.exp(sidak_log(log_p, max(len(searched), 1)))
            frame["log10_p_global"] = sidak_log(log_p, max(len(searched), 1)) / np.log(10)
        frame.attrs["n_trials"] = len(searched)
        if self.scaling != "leahy":
            frame.attrs["null"] = "none (scaling is not leahy)"
        elif not self.poisson_null:
            frame.attrs["null"] = (
                "none: the bins include outages, so their counts are not homogeneous Poisson; "
                "test periods on the event times (detect_periods, z2n), which account for gaps"
            )
        else:
            frame.attrs["null"] = (
                "homogeneous Poisson counts (Leahy powers chi^2, 2 dof per segment)"
            )
        return frame

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame({"frequency_hz": self.frequency, "power": self.power})

    def plot(self, ax: Axes | None = None) -> Axes:
        from .plotting import plot_spectrum

        return plot_spectrum(self, ax=ax)

    def _repr_html_(self) -> str:
        return _html_table(
            f"Spectrum ({self.method})",
            {
                "frequencies": len(self.power),
                "fs (Hz)": self.fs,
                "nfft": self.nfft,
                "segments": self.n_segments,
                "scaling": self.scaling,
                "window": self.window,
            },
        )


def _local_maxima(power: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    if len(candidates) == 0:
        return candidates
    left = np.concatenate([[-np.inf], power[:-1]])
    right = np.concatenate([power[1:], [-np.inf]])
    is_peak = (power >= left) & (power > right)
    return candidates[is_peak[candidates]]


@dataclass(frozen=True, eq=False)
class LjungBoxResult:
    """Ljung-Box Q(k) for k = 1..lags. Null: the series is white (independent samples).

    Each p-value is one test at its lag; no correction across lags is applied.
    """

    lags: np.ndarray
    q: np.ndarray
    p_value: np.ndarray
    model_df: int
    null: str = "white noise (no autocorrelation up to each lag)"

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {"lb_stat": self.q, "lb_pvalue": self.p_value}, index=pd.Index(self.lags, name="lag")
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        from .plotting import new_axes

        ax = new_axes(ax)
        ax.semilogy(self.lags, self.p_value, marker="o")
        ax.set_xlabel("lag")
        ax.set_ylabel("Ljung-Box p-value")
        return ax

    def _repr_html_(self) -> str:
        return self.to_pandas()._repr_html_()  # type: ignore[operator]


@dataclass(frozen=True, eq=False)
class ACFResult:
    """Sample autocorrelation at lags 0..nlags (statsmodels' acf(fft=True) conventions)."""

    acf: np.ndarray
    autocovariance: np.ndarray
    n: int
    confint: np.ndarray | None = None
    ljung_box: LjungBoxResult | None = field(default=None)

    @property
    def lags(self) -> np.ndarray:
        return np.arange(len(self.acf))

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        frame = pd.DataFrame(
            {"acf": self.acf, "autocovariance": self.autocovariance},
            index=pd.Index(self.lags, name="lag"),
        )
        if self.confint is not None:
            frame["confint_low"] = self.confint[:, 0]
            frame["confint_high"] = self.confint[:, 1]
        if self.ljung_box is not None:
            frame["lb_stat"] = np.concatenate([[np.nan], self.ljung_box.q])
            frame["lb_pvalue"] = np.concatenate([[np.nan], self.ljung_box.p_value])
        return frame

    def plot(self, ax: Axes | None = None) -> Axes:
        from .plotting import plot_acf

        return plot_acf(self, ax=ax)

    def _repr_html_(self) -> str:
        return _html_table("ACFResult", {"n": self.n, "lags": len(self.acf) - 1})
