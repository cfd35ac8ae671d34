"""Binning and spectra of evenly sampled series: FFT periodogram, Welch, ACF, Ljung-Box."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np

from . import _core
from ._validation import as_float_array, check_choice, check_count, check_positive
from .results import ACFResult, BinnedCounts, LjungBoxResult, Spectrum
from .series import EventSeries

WINDOWS = ("boxcar", "hann", "hamming", "blackman")
SCALINGS = ("density", "power", "leahy")
DETRENDS = ("constant", "none")
EFFORTS = ("auto", "estimate", "measure")

_spectral = _core.spectral


def bin_events(series: EventSeries | Any, bin_width: float) -> BinnedCounts:
    """Counts per bin of width ``bin_width`` seconds over the series' observation window.

    Bin k covers [k w, (k+1) w) after the window start; there are max(1, ceil(duration / w))
    bins, an event at the window end falls in the last bin, and ``exposure[k]`` is the observed
    fraction of bin k (below 1 in gaps and in a last bin that overhangs the window).
    A plain array of times is first made into an EventSeries (sorted input required).
    """
    if not isinstance(series, EventSeries):
        series = EventSeries(series)
    width = check_positive(bin_width, "bin_width")
    raw = _spectral.bin_events(series._impl, width)
    return BinnedCounts(**raw)


def _signal(x: Any, fs: float | None) -> tuple[np.ndarray, float]:
    if isinstance(x, BinnedCounts):
        return x.counts, x.fs if fs is None else check_positive(fs, "fs")
    return as_float_array(x, "x"), 1.0 if fs is None else check_positive(fs, "fs")


def _fully_observed(x: Any) -> bool:
    """False for binned counts with outages (the last bin may overhang the window)."""
    return not isinstance(x, BinnedCounts) or bool(np.all(x.exposure[:-1] >= 1.0 - 1e-9))


def periodogram(
    x: Any,
    fs: float | None = None,
    *,
    window: str = "boxcar",
    detrend: str = "constant",
    scaling: str = "density",
    nfft: int | None = None,
    out: np.ndarray | None = None,
    effort: str = "auto",
) -> Spectrum:
    """One-sided periodogram of a real series through FFTW.

    Matches ``scipy.signal.periodogram`` for ``scaling="density"`` and ``"power"`` (scipy's
    ``"spectrum"``). ``scaling="leahy"`` gives 2|X_k|^2 / N for counts (N = their sum): under
    a homogeneous Poisson process each power is chi^2 with 2 degrees of freedom.

    Parameters
    ----------
    x : 1-D real array, or BinnedCounts (then fs defaults to 1 / bin width)
    fs : sampling frequency in Hz (default 1, or the bins' rate)
    window : boxcar, hann, hamming or blackman (periodic, as scipy.signal.get_window)
    detrend : "constant" removes the mean first; "none" keeps it
    nfft : transform length >= len(x) (zero padding); default len(x)
    out : float64 array of nfft // 2 + 1 values to write the powers into (reused buffer)
    effort : FFTW planning: "auto" (measured plan if known, else estimate), "estimate",
        or "measure" (slow to plan, fast to run; remembered in the wisdom file)
    """
    signal, rate = _signal(x, fs)
    check_choice(window, "window", WINDOWS)
    check_choice(detrend, "detrend", DETRENDS)
    check_choice(scaling, "scaling", SCALINGS)
    check_choice(effort, "effort", EFFORTS)
    length = 0 if nfft is None else check_count(nfft, "nfft", minimum=max(len(signal), 1))
    options = dict(
        fs=rate, window=window, detrend=detrend, scaling=scaling, nfft=length, effort=effort
    )
    if out is None:
        raw = _spectral.periodogram(signal, **options)
    else:
        if not isinstance(out, np.ndarray) or out.dtype != np.float64 or out.ndim != 1:
            raise TypeError("out: expected a 1-D float64 numpy array")
        if not (out.flags.c_contiguous and out.flags.writeable):
            raise ValueError("out: must be C-contiguous and writeable (results go straight in)")
        expected = (length or len(signal)) // 2 + 1
        if len(out) != expected:
            raise ValueError(f"out: needs {expected} values (nfft // 2 + 1), got {len(out)}")
        raw = _spectral.periodogram_into(signal, out, **options)
    return Spectrum(window=window, method="periodogram", poisson_null=_fully_observed(x), **raw)


def welch(
    x: Any,
    fs: float | None = None,
    *,
    window: str = "hann",
    nperseg: int = 256,
    noverlap: int | None = None,
    detrend: str = "constant",
    scaling: str = "density",
    average: str = "mean",
    effort: str = "auto",
) -> Spectrum:
    """Welch's averaged periodogram, matching ``scipy.signal.welch``.

    Segments of ``nperseg`` samples overlap by ``noverlap`` (default nperseg // 2); trailing
    samples that do not fill a segment are not used, as in scipy. ``average="median"`` is
    bias-corrected like scipy's. With ``scaling="leahy"`` each segment is normalised by its own
    counts, so the average of M segments is chi^2 with 2M dof divided by M under Poisson noise.
    """
    signal, rate = _signal(x, fs)
    check_choice(window, "window", WINDOWS)
    check_choice(detrend, "detrend", DETRENDS)
    check_choice(scaling, "scaling", SCALINGS)
    check_choice(average, "average", ("mean", "median"))
    check_choice(effort, "effort", EFFORTS)
    segment = check_count(nperseg, "nperseg", minimum=1)
    overlap = None if noverlap is None else check_count(noverlap, "noverlap")
    if segment > len(signal) > 0:
        warnings.warn(
            f"nperseg: {segment} is greater than len(x) = {len(signal)}, using {len(signal)}",
            UserWarning,
            stacklevel=2,
        )
    raw = _spectral.welch(
        signal,
        fs=rate,
        window=window,
        nperseg=segment,
        noverlap=overlap,
        detrend=detrend,
        scaling=scaling,
        average=average,
        effort=effort,
    )
    return Spectrum(window=window, method="welch", poisson_null=_fully_observed(x), **raw)


def acf(
    x: Any,
    *,
    nlags: int | None = None,
    adjusted: bool = False,
    demean: bool = True,
    alpha: float | None = None,
    qstat: bool = False,
    effort: str = "auto",
) -> ACFResult:
    """Sample autocorrelation by FFT with zero padding (no circular wrap-around).

    Follows ``statsmodels.tsa.stattools.acf(x, fft=True)``: ``nlags`` defaults to
    min(10 log10(n), n - 1); ``adjusted`` divides by n - k instead of n; ``alpha`` adds
    Bartlett confidence intervals; ``qstat`` adds the Ljung-Box test at every lag.
    """
    signal = x.counts if isinstance(x, BinnedCounts) else as_float_array(x, "x")
    check_choice(effort, "effort", EFFORTS)
    lags = 0 if nlags is None else check_count(nlags, "nlags", minimum=1)
    level = 0.0
    if alpha is not None:
        level = float(alpha)
        if not 0.0 < level < 1.0:
            raise ValueError(f"alpha: must be in (0, 1), got {alpha!r}")
    raw = _spectral.acf(
        signal,
        max_lag=lags,
        adjusted=bool(adjusted),
        demean=bool(demean),
        alpha=level,
        effort=effort,
    )
    confint = None
    if alpha is not None:
        confint = np.column_stack([raw["confint_low"], raw["confint_high"]])
    box = None
    if qstat:
        box = _ljung_box_from_acf(raw["acf"], raw["n"], 0)
    return ACFResult(
        acf=raw["acf"],
        autocovariance=raw["autocovariance"],
        n=raw["n"],
        confint=confint,
        ljung_box=box,
    )


def ljung_box(x: Any, *, lags: int = 10, model_df: int = 0) -> LjungBoxResult:
    """Ljung-Box portmanteau test at lags 1..``lags`` (statsmodels' acorr_ljungbox).

    Null: x is white noise. p-values use chi^2 with k - model_df dof (NaN where that is < 1);
    each lag is a separate test.
    """
    signal = as_float_array(x, "x")
    lags = check_count(lags, "lags", minimum=1)
    model_df = check_count(model_df, "model_df")
    result = acf(signal, nlags=lags)
    return _ljung_box_from_acf(result.acf, result.n, model_df)


def _ljung_box_from_acf(values: np.ndarray, n: int, model_df: int) -> LjungBoxResult:
    raw = _spectral.ljung_box(values, n, model_df=model_df)
    return LjungBoxResult(
        lags=np.arange(1, len(values)), q=raw["q"], p_value=raw["p_value"], model_df=raw["model_df"]
    )


def next_fast_size(n: int) -> int:
    """Smallest 2^a 3^b 5^c 7^d >= n: the lengths FFTW transforms fastest."""
    return _spectral.next_fast_size(check_count(n, "n"))


def prepare_plans(sizes: Iterable[int], *, effort: str = "measure") -> None:
    """Plan FFTs of these lengths now (e.g. before many surrogates), saving measured wisdom."""
    check_choice(effort, "effort", EFFORTS)
    _spectral.prepare_plans([check_count(n, "sizes", minimum=1) for n in sizes], effort=effort)


def plan_cache_stats() -> dict[str, int]:
    return _spectral.plan_cache_stats()


def clear_plan_cache() -> None:
    _spectral.clear_plan_cache()


def wisdom_path() -> str:
    """Where measured FFTW plans persist (TEALEAVES_FFTW_WISDOM overrides; "" disables)."""
    return _spectral.wisdom_path()
