"""Z^2_n, the H-test and folding: against direct numpy sums, and calibrated under the null."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import tealeaves as tl
from tealeaves import _core


def _numpy_z2(times: np.ndarray, freqs: np.ndarray, n: int) -> np.ndarray:
    total = np.zeros(len(freqs))
    for k in range(1, n + 1):
        phase = 2 * np.pi * k * np.outer(freqs, times)
        total += np.cos(phase).sum(axis=1) ** 2 + np.sin(phase).sum(axis=1) ** 2
    return 2 * total / len(times)


@pytest.mark.parametrize("n_events", [1, 7, 100, 3001])
@pytest.mark.parametrize("harmonics", [1, 2, 5])
def test_z2n_equals_the_textbook_sum_without_window_correction(n_events, harmonics) -> None:
    rng = np.random.default_rng(n_events)
    t = np.sort(rng.uniform(0, 5000, n_events)) + 1.5e9  # epoch-like offsets
    series = tl.EventSeries(t, start=1.5e9, end=1.5e9 + 5000)
    z = tl.z2n(series, harmonics=harmonics, fmax=0.2, window_correction=False)
    pick = np.arange(0, len(z.power), 53)
    # The reference runs on times relative to the window start, as the engine does.
    expected = _numpy_z2(t - 1.5e9, z.frequency[pick], harmonics)
    np.testing.assert_allclose(z.power[pick], expected, rtol=1e-9, atol=1e-9)


def test_z2n_with_window_correction_matches_the_exact_evaluation() -> None:
    rng = np.random.default_rng(3)
    t = np.sort(rng.uniform(0, 1000, 500))
    series = tl.EventSeries(t[(t < 400) | (t > 550)], start=0, end=1000, gaps=[(400, 550)])
    z = tl.z2n(series, harmonics=3, fmax=0.3)
    for k in range(0, len(z.power), 97):
        exact = _core.events.z2_cumulative(series._impl, z.frequency[k], harmonics=3)
        assert z.power[k] == pytest.approx(exact[-1], rel=1e-9, abs=1e-9)


def test_z2n_is_bit_identical_for_any_thread_count() -> None:
    t = np.sort(np.random.default_rng(5).uniform(0, 20000, 4000))
    one = tl.z2n(t, fmax=0.2, threads=1).power
    for threads in (2, 8):
        np.testing.assert_array_equal(tl.z2n(t, fmax=0.2, threads=threads).power, one)


def test_single_trial_p_values_are_uniform_under_the_null() -> None:
    # A fixed frequency, 600 Poisson series with a gap: whitening keeps chi^2_4 exact.
    p = []
    for seed in range(600):
        rng = np.random.default_rng(seed)
        t = np.sort(rng.uniform(0, 3000, 150))
        t = t[(t < 1000) | (t > 1300)]
        s = tl.EventSeries(t, start=0, end=3000, gaps=[(1000, 1300)])
        z = _core.events.z2_cumulative(s._impl, 3.5 / 3000, harmonics=2)[-1]
        p.append(np.exp(_core.events.z2_log_p_single(z, 2)))
    assert stats.kstest(p, "uniform").pvalue > 0.01


def test_htest_tail_follows_exp_minus_0_4_h() -> None:
    rng = np.random.default_rng(11)
    h = np.array([tl.htest(rng.uniform(0, 100, 200), 0.37).h for _ in range(3000)])
    for threshold in (2.0, 4.0, 6.0):
        expected = np.exp(-0.4 * threshold)
        observed = np.mean(h > threshold)
        # Binomial standard error, 4 sigma: the tail law is an approximation, not exact.
        assert abs(observed - expected) < 4 * np.sqrt(expected * (1 - expected) / len(h)) + 0.01


def test_fold_expected_counts_follow_the_exposure_of_each_phase() -> None:
    t = np.array([0.1, 0.6, 3.2, 9.9])
    s = tl.EventSeries(t, start=0.0, end=10.0, gaps=[(4.0, 5.5)])
    profile = tl.fold(s, 0.5, bins=4)  # period 2 s
    # Brute force: observed time per phase bin on a fine grid.
    grid = np.linspace(0, 10, 2_000_001)[:-1] + 2.5e-6
    observed = ~((grid > 4.0) & (grid < 5.5))
    bins = np.floor((grid * 0.5 % 1) * 4).astype(int)
    time_per_bin = np.bincount(bins[observed], minlength=4)
    np.testing.assert_allclose(profile.expected, 4 * time_per_bin / time_per_bin.sum(), rtol=1e-4)
    np.testing.assert_array_equal(profile.counts, [1, 1, 1, 1])  # phases .05, .30, .60, .95


def test_fold_chi2_has_its_null_distribution() -> None:
    rng = np.random.default_rng(2)
    chi2 = [tl.fold(np.sort(rng.uniform(0, 777, 300)), 0.0931, bins=8).chi2 for _ in range(800)]
    assert np.mean(chi2) == pytest.approx(7.0, abs=0.4)  # dof = 7, sd of the mean ~0.13


def test_pulse_shape_recovers_jitter_and_pulsed_fraction() -> None:
    rng = np.random.default_rng(8)
    period, beats = 60.0, 4000
    pulsed = np.arange(beats) * period + rng.normal(0, 0.05 * period, beats)
    noise = rng.uniform(0, beats * period, beats)
    t = np.sort(np.concatenate([pulsed, noise]))
    s = tl.EventSeries(t, start=t[0], end=t[-1])
    shape = _core.events.pulse_shape(s._impl, 1 / period)
    assert shape["pulsed_fraction"] == pytest.approx(0.5, abs=0.04)
    assert shape["jitter_cycles"] == pytest.approx(0.05, abs=0.006)


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: tl.z2n([0.0, 1.0, 2.0], harmonics=0), ValueError, "harmonics"),
        (lambda: tl.z2n([0.0, 1.0, 2.0], harmonics=21), ValueError, "harmonics"),
        (lambda: tl.z2n([0.0, 1.0, 2.0], fmax=0.0), ValueError, "fmax"),
        (lambda: tl.z2n([0.0, 1.0, 2.0], fmax=1.0, fmin=2.0), ValueError, "fmax"),
        (lambda: tl.z2n([5.0, 5.0]), ValueError, "series"),
        (lambda: tl.z2n(["a"]), TypeError, "times"),
        (lambda: tl.htest([0.0, 1.0], -1.0), ValueError, "frequency"),
        (lambda: tl.fold([0.0, 1.0], 1.0, bins=1), ValueError, "bins"),
        (lambda: tl.fold([0.0, 1.0], np.nan), ValueError, "frequency"),
    ],
)
def test_bad_input_names_the_argument(call, error, name) -> None:
    with pytest.raises(error, match=rf"^{name}:"):
        call()


@pytest.mark.parametrize("tolerance", [1e-6, 1e-10])
def test_fast_path_is_within_its_stated_bound(tolerance) -> None:
    rng = np.random.default_rng(21)
    t = np.sort(rng.uniform(0, 40_000, 8000))
    t = t[(t < 9_000) | (t > 10_000)]
    s = tl.EventSeries(t, start=0, end=40_000, gaps=[(9_000, 10_000)])
    exact = tl.z2n(s, harmonics=2, fmax=0.2)
    fast = tl.z2n(s, harmonics=2, fmax=0.2, fast=True, tolerance=tolerance)
    assert exact.error_bound == 0.0 and fast.error_bound > 0.0
    assert np.max(np.abs(fast.power - exact.power)) <= fast.error_bound
    assert fast.error_bound < 1e4 * tolerance * len(t)  # the bound scales with the tolerance
