"""Calibration of the remaining null models with their matching statistics (issue: null models).

Each test simulates 1,000 series from its null hypothesis and checks that the Monte-Carlo test
rejects at alpha = 0.05 between 3.5 % and 6.5 % of the time (19 surrogates per series, so
p <= 0.05 exactly when the observed statistic beats every surrogate). The Poisson, shuffle and
circular-shift nulls are calibrated in test_nullmodels.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import tealeaves as tl

N_SERIES = 1000


def _daily_rhythm(seed: int, days: int = 3, n: int = 300) -> tl.EventSeries:
    """Inhomogeneous Poisson: rate proportional to 1 + 0.8 sin(2 pi t / day), no period."""
    rng = np.random.default_rng(seed)
    span = days * 86_400.0
    candidates = np.sort(rng.uniform(0, span, 3 * n))
    keep = rng.random(candidates.size) < (1 + 0.8 * np.sin(2 * np.pi * candidates / 86_400)) / 1.8
    return tl.EventSeries(candidates[keep][:n], start=0.0, end=span)


@pytest.mark.parametrize(
    ("null", "options"),
    [
        # The series' own hour-of-week rate: no sub-hour period is left to find.
        ("routine", {"fmin": 1 / 3000, "fmax": 1 / 120}),
        # A rate smoothed over 2 h: nothing faster than the bandwidth.
        ("smoothed_rate", {"bandwidth": 7200.0, "fmin": 1 / 3600, "fmax": 1 / 300}),
        # Times dithered by +-600 s: nothing shorter than the dither.
        ("dither", {"delta": 600.0, "fmin": 1 / 500, "fmax": 1 / 100}),
    ],
)
def test_event_nulls_are_calibrated_for_max_z2(null: str, options: dict) -> None:
    rejections = 0
    for seed in range(N_SERIES):
        result = tl.mc_test(_daily_rhythm(seed), "max_z2", null, n=19, seed=seed, **options)
        assert result.p_value >= 1 / 20
        rejections += result.p_value <= 0.05
    assert 0.035 <= rejections / N_SERIES <= 0.065


def _ar1(seed: int, n: int = 512, phi: float = 0.7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=n + 100)
    x = np.zeros(n + 100)
    for i in range(1, n + 100):
        x[i] = phi * x[i - 1] + noise[i]
    return x[100:]


def _time_asymmetry(x: np.ndarray) -> float:
    # A linear Gaussian process is time-reversible: this is ~0 for it and its surrogates.
    d = np.diff(x)
    return abs(np.mean(d**3)) / np.mean(d**2) ** 1.5


def test_phase_randomisation_is_calibrated_for_a_linear_gaussian_process() -> None:
    rejections = 0
    for seed in range(N_SERIES):
        x = _ar1(seed)
        surrogates = tl.surrogates.phase_randomized(x, seed=seed, n_surrogates=19)
        k = sum(_time_asymmetry(s) >= _time_asymmetry(x) for s in surrogates)
        rejections += (k + 1) / 20 <= 0.05
    assert 0.035 <= rejections / N_SERIES <= 0.065
