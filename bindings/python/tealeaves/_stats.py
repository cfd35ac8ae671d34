"""Small closed-form tail probabilities, in log space so tiny p-values are not rounded to 0."""

from __future__ import annotations

import numpy as np


def log_chi2_sf_even(x: np.ndarray, dof: int) -> np.ndarray:
    """log P(chi^2_dof > x) for even dof: exp(-x/2) sum_{j<dof/2} (x/2)^j / j!."""
    if dof <= 0 or dof % 2:
        raise ValueError(f"dof: must be a positive even integer, got {dof}")
    half = np.asarray(x, dtype=np.float64) / 2.0
    half = np.maximum(half, 0.0)
    terms = [np.zeros_like(half)]
    log_half = np.log(np.where(half > 0, half, 1.0))
    log_factorial = 0.0
    for j in range(1, dof // 2):
        log_factorial += np.log(j)
        terms.append(np.where(half > 0, j * log_half - log_factorial, -np.inf))
    return -half + np.logaddexp.reduce(np.stack(terms), axis=0)


def sidak_log(log_p: np.ndarray, n_trials: int) -> np.ndarray:
    """log of 1 - (1 - p)^n: the chance that the best of n independent tests is this extreme."""
    p = np.exp(log_p)
    with np.errstate(divide="ignore"):
        exact = np.log(-np.expm1(n_trials * np.log1p(-np.minimum(p, 1.0))))
    # For tiny p, 1 - (1-p)^n = n p to first order; log1p/expm1 lose it below ~1e-300.
    return np.where(p < 1e-12, np.minimum(log_p + np.log(n_trials), 0.0), exact)
