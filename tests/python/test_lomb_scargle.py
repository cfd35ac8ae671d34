"""Lomb-Scargle against astropy (power, false-alarm probabilities and levels), invariants,
determinism, bad input, a gapped binned-counts case and the sunspot cycle."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from astropy.timeseries import LombScargle
from conftest import shared_file

import tealeaves as tl

# Tolerances. Power: our sums are exact to ~1e-15 and astropy's (double, tau-shifted) to
# ~1e-14, so both agree to POWER_RTOL of the largest power. FAP: the same closed forms, ours in
# log space, so they agree to FAP_RTOL wherever astropy's value is a normal double. Level:
# astropy solves for it with scipy's LM root finder (xtol 1.5e-8); ours bisects to rounding.
POWER_RTOL = 1e-10
FAP_RTOL = 1e-9
LEVEL_RTOL = 1e-6
FAST_RTOL = 1e-9  # fast (NUFFT, tolerance 1e-12) vs exact, relative to the largest power

NORMALIZATIONS = ["standard", "model", "log", "psd"]
FIT_CENTER = [(True, True), (False, True), (False, False), (True, False)]
FAP_METHODS = ["naive", "davies", "baluev"]


def uneven(n: int, seed: int, *, signal: float = 0.6, span: float = 100.0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.0, span, n)  # unsorted on purpose: astropy allows it, so do we
    y = 2.0 + signal * np.sin(2 * np.pi * t / 7.3 + 0.4) + rng.normal(size=n)
    dy = rng.uniform(0.5, 1.5, n)
    return t, y, dy


def close_to(ours: np.ndarray, theirs: np.ndarray, rtol: float) -> None:
    scale = float(np.max(np.abs(theirs)))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=rtol * scale)


@pytest.mark.parametrize("n", [7, 50, 400])
@pytest.mark.parametrize("normalization", NORMALIZATIONS)
@pytest.mark.parametrize(("fit_mean", "center_data"), FIT_CENTER)
@pytest.mark.parametrize("with_dy", [False, True])
def test_power_matches_astropy(
    n: int, normalization: str, fit_mean: bool, center_data: bool, with_dy: bool
) -> None:
    t, y, dy = uneven(n, seed=n)
    dy = dy if with_dy else None
    options = dict(fit_mean=fit_mean, center_data=center_data, normalization=normalization)
    ours = tl.lomb_scargle(t, y, dy, nyquist_factor=2, **options)
    ls = LombScargle(t, y, dy, **options)
    freq, power = ls.autopower(method="cython", nyquist_factor=2)
    np.testing.assert_array_equal(ours.frequency, freq)
    close_to(ours.power, power, POWER_RTOL)


def test_power_matches_astropy_slow_and_a_user_grid() -> None:
    t, y, dy = uneven(300, seed=4)
    freq = np.sort(np.random.default_rng(1).uniform(0.01, 3.0, 500))  # not a uniform grid
    ours = tl.lomb_scargle(t, y, dy, frequency=freq)
    close_to(ours.power, LombScargle(t, y, dy).power(freq, method="slow"), POWER_RTOL)
    np.testing.assert_array_equal(ours.frequency, freq)


@pytest.mark.parametrize("n", [20, 200, 2000])
@pytest.mark.parametrize("normalization", NORMALIZATIONS)
@pytest.mark.parametrize("with_dy", [False, True])
def test_false_alarm_probability_and_level_match_astropy(
    n: int, normalization: str, with_dy: bool
) -> None:
    t, y, dy = uneven(n, seed=100 + n, signal=0.25)
    dy = dy if with_dy else None
    ours = tl.lomb_scargle(t, y, dy, normalization=normalization, samples_per_peak=3)
    ls = LombScargle(t, y, dy, normalization=normalization)
    # A spread of powers from the periodogram, from noise level to its peak.
    powers = np.quantile(ours.power, [0.5, 0.9, 0.99, 1.0])
    for method in FAP_METHODS:
        theirs = ls.false_alarm_probability(powers, method=method, samples_per_peak=3)
        np.testing.assert_allclose(
            ours.false_alarm_probability(powers, method=method), theirs, rtol=FAP_RTOL
        )
        for p in [0.5, 0.05, 1e-3]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # scipy root-finding chatter
                level = ls.false_alarm_level(p, method=method, samples_per_peak=3)
            np.testing.assert_allclose(
                ours.false_alarm_level(p, method=method), level, rtol=LEVEL_RTOL
            )
    theirs = ls.false_alarm_probability(powers, method="single", samples_per_peak=3)
    np.testing.assert_allclose(
        ours.false_alarm_probability(powers, method="single"), theirs, rtol=FAP_RTOL
    )


def test_default_fap_is_for_the_highest_peak() -> None:
    t, y, dy = uneven(150, seed=8)
    ours = tl.lomb_scargle(t, y, dy)
    ls = LombScargle(t, y, dy)
    assert ours.false_alarm_probability() == pytest.approx(
        ls.false_alarm_probability(ours.power.max()), rel=FAP_RTOL
    )


def test_tiny_false_alarm_probabilities_stay_finite_in_log_space() -> None:
    t = np.sort(np.random.default_rng(2).uniform(0, 100, 2000))
    y = np.sin(2 * np.pi * t / 5.0) + 0.05 * np.random.default_rng(3).normal(size=t.size)
    ours = tl.lomb_scargle(t, y)
    top = float(ours.power.max())
    assert top > 0.95
    n, nk = ours.n, ours.n - 3
    log_single = 0.5 * nk * np.log1p(-top)  # (1 - z)^((N - 3) / 2)
    assert ours.log_false_alarm_probability(method="single") == pytest.approx(log_single)
    for method in FAP_METHODS:
        log_fap = ours.log_false_alarm_probability(method=method)
        assert np.isfinite(log_fap) and log_fap < -1000  # astropy's value underflows to 0 here
    # Far in the tail the alias-free (Baluev) FAP is tau + fap_single: check with the formula.
    from scipy.special import gammaln

    log_gamma = 0.5 * np.log(2 / (n - 1)) + gammaln((n - 1) / 2) - gammaln((n - 2) / 2)
    log_w = np.log(ours.fmax) + 0.5 * np.log(4 * np.pi * ours.t_variance)
    log_tau = (
        log_gamma + log_w + 0.5 * (nk - 1) * np.log1p(-top) + 0.5 * np.log(0.5 * (n - 1) * top)
    )
    expected = np.logaddexp(log_tau, log_single)
    assert ours.log_false_alarm_probability(method="baluev") == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("method", ["single", *FAP_METHODS])
@pytest.mark.parametrize("normalization", NORMALIZATIONS)
def test_false_alarm_probability_is_monotone_in_power(method: str, normalization: str) -> None:
    t, y, dy = uneven(500, seed=5)
    ours = tl.lomb_scargle(t, y, dy, normalization=normalization)
    top = {"standard": 0.999, "model": 50.0, "log": 8.0, "psd": 400.0}[normalization]
    z = np.linspace(0.0, top, 4001)
    log_fap = ours.log_false_alarm_probability(z, method=method)
    # Monotone wherever the probability is meaningful (<= 0.5); near z = 0 the Davies and
    # Baluev approximations are ~1 and not monotone, in astropy as here.
    meaningful = np.exp(log_fap) <= 0.5
    assert meaningful.sum() > 100
    assert np.all(np.diff(log_fap[meaningful]) <= 0)
    levels = ours.false_alarm_level(np.array([0.1, 0.01, 1e-4, 1e-30]), method=method)
    assert np.all(np.diff(levels) > 0)


@pytest.mark.parametrize("method", ["exact", "fast"])
def test_results_are_identical_for_any_number_of_threads(method: str) -> None:
    # Large enough that both methods really use several threads (small problems run on one).
    t, y, dy = uneven(5000, seed=6)
    factor = 5 if method == "exact" else 40
    runs = [
        tl.lomb_scargle(t, y, dy, method=method, threads=k, nyquist_factor=factor).power
        for k in (1, 2, 8)
    ]
    for power in runs[1:]:
        np.testing.assert_array_equal(power, runs[0])


@pytest.mark.parametrize("n", [10, 1000, 20000])
@pytest.mark.parametrize("fit_mean", [True, False])
def test_fast_method_matches_exact(n: int, fit_mean: bool) -> None:
    t, y, dy = uneven(n, seed=7 + n)
    exact = tl.lomb_scargle(t, y, dy, fit_mean=fit_mean, nyquist_factor=2)
    fast = tl.lomb_scargle(t, y, dy, fit_mean=fit_mean, nyquist_factor=2, method="fast")
    assert fast.sum_error_bound <= 1e-12
    close_to(fast.power, exact.power, FAST_RTOL)
    coarse = tl.lomb_scargle(t, y, dy, fit_mean=fit_mean, method="fast", tolerance=1e-6)
    close_to(coarse.power, tl.lomb_scargle(t, y, dy, fit_mean=fit_mean).power, 1e-3)


@pytest.mark.parametrize("level", ["generic", "avx2"])
def test_every_simd_kernel_gives_the_same_answer(level: str) -> None:
    code = (
        "import numpy as np, tealeaves as tl\n"
        "rng = np.random.default_rng(0)\n"
        "t = rng.uniform(0, 50, 777); y = rng.normal(size=777)\n"
        "for m in ('exact', 'fast'):\n"
        "    np.save(f'{m}.npy', tl.lomb_scargle(t, y, method=m).power)\n"
    )
    rng = np.random.default_rng(0)
    t, y = rng.uniform(0, 50, 777), rng.normal(size=777)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TEALEAVES_SIMD": level}
        subprocess.run([sys.executable, "-c", code], cwd=tmp, env=env, check=True)
        for method in ("exact", "fast"):
            theirs = np.load(os.path.join(tmp, f"{method}.npy"))
            close_to(theirs, tl.lomb_scargle(t, y, method=method).power, 1e-12)


def test_invariances_time_origin_order_and_datetimes() -> None:
    t, y, dy = uneven(300, seed=9)
    t = (t + 1.7e9) - 1.7e9  # times exactly representable after an epoch-sized shift
    base = tl.lomb_scargle(t, y, dy)
    shifted = tl.lomb_scargle(t + 1.7e9, y, dy)  # epoch seconds: the origin is removed first
    close_to(shifted.power, base.power, 1e-12)
    order = np.argsort(t)
    close_to(tl.lomb_scargle(t[order], y[order], dy[order]).power, base.power, 1e-12)
    stamps = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.round(t * 1e9), unit="ns")
    dated = tl.lomb_scargle(stamps, y, dy, frequency=base.frequency)
    close_to(dated.power, base.power, 1e-6)  # nanosecond rounding of the times


def test_binned_counts_with_gaps_recover_the_period() -> None:
    rng = np.random.default_rng(11)
    period, day = 600.0, 86400.0
    beats = np.arange(0.0, 2 * day, period) + rng.normal(0, 20, int(2 * day / period))
    noise = rng.uniform(0, 2 * day, 300)
    gaps = [(20000.0, 35000.0), (90000.0, 120000.0)]
    times = np.sort(np.concatenate([beats, noise]))
    inside = np.ones(times.size, bool)
    for a, b in gaps:
        inside &= ~((times >= a) & (times <= b))
    times = times[(times >= 0) & (times <= 2 * day) & inside]
    series = tl.EventSeries(times, start=0.0, end=2 * day, gaps=gaps)
    counts = tl.bin_events(series, 60.0)
    assert np.any(counts.exposure == 0)  # the gaps are there, and are skipped, not zeros
    result = tl.lomb_scargle(counts, maximum_frequency=1 / 240.0)
    best = result.peaks(1)
    assert best["period"].iloc[0] == pytest.approx(period, rel=0.01)
    assert best["fap"].iloc[0] < 1e-10
    assert result.n == int(np.sum(counts.exposure > 0))


def test_sunspot_cycle_is_eleven_years() -> None:
    path = shared_file("rdatasets-sunspots-geyser/datasets_sunspot.month.csv")
    data = pd.read_csv(path)
    result = tl.lomb_scargle(
        data["time"].to_numpy(),
        data["value"].to_numpy(),
        minimum_frequency=1 / 24,
        maximum_frequency=1 / 4,
        samples_per_peak=20,
    )
    best = result.peaks(1)
    assert best["period"].iloc[0] == pytest.approx(11.0, abs=0.3)
    # Against a white-noise null the cycle is overwhelming (a red-noise null is another matter).
    assert result.log_false_alarm_probability() < np.log(1e-100)


def test_result_views() -> None:
    t, y, dy = uneven(200, seed=12)
    result = tl.lomb_scargle(t, y, dy)
    frame = result.to_pandas()
    assert list(frame.columns) == ["frequency", "power"] and len(frame) == len(result.power)
    peaks = result.peaks(3)
    assert list(peaks.columns) == ["frequency", "period", "power", "fap", "log10_fap", "p_single"]
    assert peaks["power"].is_monotonic_decreasing
    assert "Gaussian white noise" in peaks.attrs["null"]
    assert "LombScargleResult" in result._repr_html_()
    import matplotlib

    matplotlib.use("Agg")
    assert result.plot() is not None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(t=[0.0, 1.0, 2.0], y=[1.0, 2.0]), "y: has 2 values but t has 3"),
        (dict(t=[0.0, np.nan, 2.0], y=[1.0, 2.0, 3.0]), "t: value at index 1"),
        (dict(t=[0.0, 1.0, 2.0], y=[1.0, np.inf, 3.0]), "y: value at index 1"),
        (dict(t=[0.0, 1.0, 2.0], y=[1.0, 2.0, 3.0], dy=[1.0, -1.0, 1.0]), "dy: value at index 1"),
        (dict(t=[0.0, 1.0, 2.0], y=[1.0, 2.0, 3.0], dy=[1.0]), "dy: has 1 values"),
        (dict(t=[[0.0, 1.0]], y=[1.0, 2.0]), "t: expected a 1-D array"),
        (dict(t=["a", "b"], y=[1.0, 2.0]), "t: expected real numbers"),
        (dict(t=[1.0, 1.0], y=[1.0, 2.0]), "t: all times are equal"),
        (dict(t=[0.0, 1.0], y=None), "y: values are required"),
        (dict(t=[0.0, 1.0], y=[1.0, 2.0], frequency=[0.1, -0.2]), "frequency: value at index 1"),
        (dict(t=[0.0, 1.0], y=[1.0, 2.0], normalization="chi2"), "normalization: expected"),
        (dict(t=[0.0, 1.0], y=[1.0, 2.0], method="slow"), "method: expected"),
        (dict(t=[0.0, 1.0], y=[1.0, 2.0], samples_per_peak=0), "samples_per_peak: must be"),
        (dict(t=[0.0, 1.0], y=[1.0, 2.0], maximum_frequency=-1.0), "maximum_frequency: must be"),
        (dict(t=[0.0, 1.0], y=[1.0, 2.0], tolerance=0.0), "tolerance: must be"),
        (
            dict(t=[0.0, 1.0, 5.0], y=[1.0, 2.0, 3.0], frequency=[0.1, 0.3, 0.35], method="fast"),
            "frequency: is not a uniform grid",
        ),
    ],
)
def test_bad_input_names_the_argument(kwargs: dict, message: str) -> None:
    kwargs = dict(kwargs)
    with pytest.raises((ValueError, TypeError), match=message.replace("(", r"\(")):
        tl.lomb_scargle(kwargs.pop("t"), kwargs.pop("y"), **kwargs)


def test_false_alarm_input_errors() -> None:
    t, y, _ = uneven(50, seed=13)
    result = tl.lomb_scargle(t, y)
    with pytest.raises(ValueError, match="method: expected"):
        result.false_alarm_probability(method="bootstrap")
    with pytest.raises(ValueError, match="probability: must be in"):
        result.false_alarm_level(1.5)
    raw = tl.lomb_scargle(t, y, fit_mean=False, center_data=False)
    with pytest.raises(ValueError, match="fit_mean: false-alarm probabilities need centred"):
        raw.false_alarm_probability()
    with pytest.raises(ValueError, match="t: false-alarm probabilities need more than 3"):
        tl.lomb_scargle([0.0, 1.0, 2.0], [1.0, 3.0, 2.0]).false_alarm_probability()
