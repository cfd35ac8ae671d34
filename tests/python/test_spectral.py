"""Spectral kernels against numpy, scipy and statsmodels, plus invariants and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from statsmodels.stats.diagnostic import acorr_ljungbox
from statsmodels.tsa.stattools import acf as sm_acf

import tealeaves as tl

SIZES = [1, 2, 3, 16, 17, 255, 1000, 4097, 1 << 16]
RTOL = 1e-10  # relative to the largest power: FFTW vs pocketfft differ by rounding only


def _close(ours: np.ndarray, theirs: np.ndarray, rtol: float = RTOL) -> None:
    scale = max(float(np.max(np.abs(theirs))), 1e-300)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=rtol * scale)


@pytest.mark.parametrize("n", SIZES)
def test_leahy_power_matches_numpy_rfft(n: int) -> None:
    counts = np.random.default_rng(n).poisson(4.0, n).astype(float)
    counts[0] += 1  # never all zero
    ours = tl.periodogram(counts, scaling="leahy", detrend="none")
    expected = 2.0 * np.abs(np.fft.rfft(counts)) ** 2 / counts.sum()
    _close(ours.power, expected)
    np.testing.assert_allclose(ours.frequency, np.fft.rfftfreq(n))


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("window", ["boxcar", "hann", "hamming", "blackman"])
@pytest.mark.parametrize("scaling", ["density", "power"])
def test_periodogram_matches_scipy(n: int, window: str, scaling: str) -> None:
    x = np.random.default_rng(n + 7).normal(size=n) + 3.0
    ours = tl.periodogram(x, fs=2.5, window=window, scaling=scaling)
    sp_scaling = "spectrum" if scaling == "power" else "density"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns about windows on 1-sample input
        f, p = scipy.signal.periodogram(x, fs=2.5, window=window, scaling=sp_scaling)
    np.testing.assert_allclose(ours.frequency, f, rtol=1e-14)
    _close(ours.power, p)


@pytest.mark.parametrize("nfft", [128, 200, 1001])
def test_zero_padded_periodogram_matches_scipy(nfft: int) -> None:
    x = np.random.default_rng(1).normal(size=100)
    ours = tl.periodogram(x, nfft=nfft, window="hann")
    f, p = scipy.signal.periodogram(x, nfft=nfft, window="hann")
    np.testing.assert_allclose(ours.frequency, f, rtol=1e-14)
    _close(ours.power, p)


@pytest.mark.parametrize(
    ("n", "nperseg", "noverlap"),
    [(1000, 256, None), (1000, 100, 0), (1001, 128, 100), (4096, 512, 256), (77, 16, 15)],
)
@pytest.mark.parametrize("average", ["mean", "median"])
@pytest.mark.parametrize("window", ["hann", "boxcar"])
def test_welch_matches_scipy(
    n: int, nperseg: int, noverlap: int | None, average: str, window: str
) -> None:
    x = np.random.default_rng(n).normal(size=n)
    ours = tl.welch(x, fs=10.0, nperseg=nperseg, noverlap=noverlap, average=average, window=window)
    f, p = scipy.signal.welch(
        x, fs=10.0, nperseg=nperseg, noverlap=noverlap, average=average, window=window
    )
    np.testing.assert_allclose(ours.frequency, f, rtol=1e-14)
    _close(ours.power, p)


def test_welch_clamps_long_segments_with_a_warning_like_scipy() -> None:
    x = np.random.default_rng(3).normal(size=100)
    with pytest.warns(UserWarning, match="nperseg"):
        ours = tl.welch(x)
    assert ours.nperseg == 100
    with pytest.warns(UserWarning):
        _, p = scipy.signal.welch(x)
    _close(ours.power, p)


@pytest.mark.parametrize("n", [2, 3, 10, 101, 1000, 20000])
@pytest.mark.parametrize("adjusted", [False, True])
def test_acf_matches_statsmodels(n: int, adjusted: bool) -> None:
    x = np.cumsum(np.random.default_rng(n).normal(size=n))  # strongly autocorrelated
    nlags = min(n - 1, 40)
    ours = tl.acf(x, nlags=nlags, adjusted=adjusted, alpha=0.05, qstat=True)
    ref, confint, q, p = sm_acf(
        x, nlags=nlags, adjusted=adjusted, fft=True, alpha=0.05, qstat=True, result_object=False
    )
    np.testing.assert_allclose(ours.acf, ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.confint, confint, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.ljung_box.q, q, rtol=1e-10)
    np.testing.assert_allclose(ours.ljung_box.p_value, p, rtol=1e-8, atol=1e-300)


def test_acf_default_nlags_follows_statsmodels() -> None:
    x = np.random.default_rng(0).normal(size=5000)
    ours = tl.acf(x)
    ref = sm_acf(x, fft=True, result_object=False)
    assert len(ours.acf) == len(ref) == 37  # int(10 log10 5000) = 36 lags
    np.testing.assert_allclose(ours.acf, ref, atol=1e-12)


@pytest.mark.parametrize("model_df", [0, 2])
def test_ljung_box_matches_statsmodels(model_df: int) -> None:
    x = np.random.default_rng(5).normal(size=500)
    ours = tl.ljung_box(x, lags=12, model_df=model_df)
    ref = acorr_ljungbox(x, lags=12, model_df=model_df)
    np.testing.assert_allclose(ours.q, ref["lb_stat"].to_numpy(), rtol=1e-10)
    valid = ~np.isnan(ours.p_value)
    assert valid.sum() == 12 - model_df
    np.testing.assert_allclose(ours.p_value[valid], ref["lb_pvalue"].to_numpy()[valid], rtol=1e-8)


def test_parseval_for_power_scaling() -> None:
    x = np.random.default_rng(9).normal(size=4096)
    s = tl.periodogram(x, scaling="power")
    np.testing.assert_allclose(s.power.sum(), np.var(x), rtol=1e-12)


def test_leahy_on_poisson_counts_is_chi2_2() -> None:
    counts = np.random.default_rng(2).poisson(2.0, 1 << 17).astype(float)
    power = tl.periodogram(counts, scaling="leahy").power[1:-1]
    # Kolmogorov-Smirnov against chi^2_2 (an exponential with mean 2).
    from scipy import stats

    assert stats.kstest(power, "chi2", args=(2,)).pvalue > 1e-3
    assert abs(power.mean() - 2.0) < 0.03


def test_peaks_report_p_values_with_the_trials_counted() -> None:
    rng = np.random.default_rng(4)
    t = np.arange(0, 86400, 300.0) + rng.normal(0, 1.0, 288)
    series = tl.EventSeries(np.sort(t), start=-60.0, end=86400.0)
    spectrum = tl.periodogram(tl.bin_events(series, 10.0), scaling="leahy")
    table = spectrum.peaks(3)
    assert table.attrs["n_trials"] == len(spectrum.power) - 1
    assert "Poisson" in table.attrs["null"]
    period = table["period_s"].iloc[0]
    assert abs(300.0 / period - round(300.0 / period)) < 0.01
    assert table["p_global"].iloc[0] < 1e-30
    assert (table["p_global"] >= table["p_single"]).all()


def test_plan_cache_reuses_plans_and_out_buffer() -> None:
    x = np.random.default_rng(0).normal(size=3001)
    tl.clear_plan_cache()
    first = tl.periodogram(x)
    out = np.empty(1501)
    again = tl.periodogram(x, out=out)
    assert again.power is out
    np.testing.assert_array_equal(out, first.power)
    stats = tl.plan_cache_stats()
    assert stats["misses"] >= 1 and stats["hits"] >= 1


def test_gil_is_released_so_threads_overlap() -> None:
    # Not a timing test: results from concurrent threads must equal the serial ones.
    from concurrent.futures import ThreadPoolExecutor

    xs = [np.random.default_rng(i).normal(size=50_000) for i in range(8)]
    serial = [tl.periodogram(x).power for x in xs]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda x: tl.periodogram(x).power, xs))
    for a, b in zip(serial, parallel):
        np.testing.assert_array_equal(a, b)


def test_input_is_not_copied_when_already_float64() -> None:
    from tealeaves._validation import as_float_array

    x = np.arange(10, dtype=np.float64)
    assert np.shares_memory(as_float_array(x, "x"), x)


# --- hypothesis properties -----------------------------------------------------------------
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.integers(2, 300), elements=finite),
    finite,
    st.floats(min_value=1e-3, max_value=1e3),
)
def test_periodogram_is_shift_invariant_scale_covariant_and_non_negative(
    x: np.ndarray, shift: float, scale: float
) -> None:
    base = tl.periodogram(x).power
    assert (base >= 0).all()
    shifted = tl.periodogram(x + shift).power  # the mean is removed
    atol = 1e-9 * (np.max(base) + (np.abs(x).max() + abs(shift)) ** 2 * len(x) * 1e-6)
    np.testing.assert_allclose(shifted, base, rtol=1e-6, atol=atol)
    scaled = tl.periodogram(x * scale).power
    energy = float(np.sum(x**2)) + 1e-300  # rounding in the mean removal scales with it
    np.testing.assert_allclose(scaled, base * scale**2, rtol=1e-9, atol=1e-12 * scale**2 * energy)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.integers(3, 300), elements=finite),
    finite,
    st.floats(min_value=1e-3, max_value=1e3),
)
def test_acf_is_invariant_to_shift_and_scale(x: np.ndarray, shift: float, scale: float) -> None:
    from hypothesis import assume

    assume(np.std(x) > 1e-3 * (np.abs(x).max() + 1))
    base = tl.acf(x).acf
    assert base[0] == pytest.approx(1.0)
    assert np.all(np.abs(base) <= 1 + 1e-9)
    # Removing the mean of x * scale + shift loses about eps * cond relative precision, and the
    # ACF's products of deviations double that: the tolerance follows the conditioning.
    cond = (abs(shift) + scale * np.abs(x).max()) / (scale * np.std(x))
    atol = 1e-9 + 100 * len(x) * np.finfo(float).eps * cond
    np.testing.assert_allclose(tl.acf(x * scale + shift).acf, base, atol=atol)


# --- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: tl.periodogram([]), ValueError, "x"),
        (lambda: tl.periodogram([1.0, np.nan]), ValueError, "x"),
        (lambda: tl.periodogram([1.0, np.inf]), ValueError, "x"),
        (lambda: tl.periodogram(["a", "b"]), TypeError, "x"),
        (lambda: tl.periodogram(np.array([1 + 1j, 2])), TypeError, "x"),
        (lambda: tl.periodogram(np.ones((3, 3))), ValueError, "x"),
        (lambda: tl.periodogram([1.0, 2.0], fs=0), ValueError, "fs"),
        (lambda: tl.periodogram([1.0, 2.0], fs=-1), ValueError, "fs"),
        (lambda: tl.periodogram([1.0, 2.0], window="kaiser"), ValueError, "window"),
        (lambda: tl.periodogram([1.0, 2.0], scaling="psd"), ValueError, "scaling"),
        (lambda: tl.periodogram([1.0, 2.0], nfft=1), ValueError, "nfft"),
        (lambda: tl.periodogram([1.0, -2.0], scaling="leahy"), ValueError, "x"),
        (lambda: tl.periodogram([1.0, 2.0], out=np.empty(5)), ValueError, "out"),
        (lambda: tl.periodogram([1.0, 2.0], out=np.empty(4)[::2]), ValueError, "out"),
        (lambda: tl.welch([1.0, 2.0, 3.0], nperseg=0), ValueError, "nperseg"),
        (lambda: tl.welch(np.ones(10), nperseg=4, noverlap=4), ValueError, "noverlap"),
        (lambda: tl.acf([1.0]), ValueError, "x"),
        (lambda: tl.acf([2.0, 2.0, 2.0]), ValueError, "x"),
        (lambda: tl.acf([1.0, 2.0, 4.0], nlags=3), ValueError, "max_lag"),
        (lambda: tl.acf([1.0, 2.0, 4.0], alpha=2), ValueError, "alpha"),
        (lambda: tl.bin_events(tl.EventSeries([0.0, 10.0]), 0), ValueError, "bin_width"),
        (lambda: tl.bin_events(tl.EventSeries([0.0, 10.0]), -5), ValueError, "bin_width"),
        (lambda: tl.bin_events(tl.EventSeries([0.0, 10.0]), "1"), TypeError, "bin_width"),
    ],
)
def test_bad_input_names_the_argument(call, error, name) -> None:
    with pytest.raises(error, match=rf"^{name}:"):
        call()
