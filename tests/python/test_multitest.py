"""Multiple-testing corrections against statsmodels' multipletests, plus bad input."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

import tealeaves as tl

METHODS = {"bonferroni": "bonferroni", "holm": "holm", "bh": "fdr_bh", "by": "fdr_by"}
RTOL = 1e-12  # same arithmetic as statsmodels up to the BY harmonic sum's summation order


def _vectors() -> list[np.ndarray]:
    rng = np.random.default_rng(5)
    vectors = [rng.uniform(size=n) for n in (2, 3, 10, 57, 1000)]
    vectors.append(rng.uniform(size=200) ** 4)  # many small p-values: many rejections
    vectors.append(np.round(rng.uniform(size=300), 2))  # ties
    vectors.append(np.array([0.01, 0.01, 0.01, 0.04, 0.04, 0.5, 0.0, 1.0]))
    vectors.append(np.array([0.03]))  # one test
    vectors.append(np.ones(7))  # all ones
    vectors.append(np.zeros(4))
    return vectors


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_adjusted_and_reject_equal_statsmodels(method: str, alpha: float) -> None:
    for p in _vectors():
        ours = tl.multitest(p, method, alpha=alpha)
        reject, corrected, _, _ = multipletests(p, alpha=alpha, method=METHODS[method])
        np.testing.assert_allclose(ours.adjusted, corrected, rtol=RTOL, atol=0)
        np.testing.assert_array_equal(ours.reject, reject)
        assert ours.method == method and ours.alpha == alpha and ours.n_tests == len(p)


@pytest.mark.parametrize("name", ["fdr_bh", "fdr_by"])
def test_statsmodels_names_are_accepted(name: str) -> None:
    p = np.random.default_rng(1).uniform(size=40)
    np.testing.assert_allclose(
        tl.multitest(p, name).adjusted, multipletests(p, method=name)[1], rtol=RTOL
    )
    assert tl.multitest(p, name).method == name[-2:]


def test_result_object() -> None:
    r = tl.multitest([0.001, 0.5, 0.02], "holm")
    assert r.reject.dtype == np.bool_
    frame = r.to_pandas()
    assert list(frame.columns) == ["adjusted", "reject"] and len(frame) == 3
    assert r.n_rejected == 2
    assert "MultitestResult" in r._repr_html_()
    assert isinstance(r, tl.MultitestResult)
    with pytest.raises(AttributeError):
        r.alpha = 0.1  # type: ignore[misc]
    assert tl.multitest([], "bh").adjusted.shape == (0,)


def test_bad_input_names_the_argument() -> None:
    with pytest.raises(ValueError, match="pvalues: value at index 1 is NaN"):
        tl.multitest([0.1, np.nan])
    with pytest.raises(ValueError, match="pvalues"):
        tl.multitest([0.1, 1.2])
    with pytest.raises(ValueError, match="pvalues"):
        tl.multitest([[0.1, 0.2]])
    with pytest.raises(TypeError, match="pvalues"):
        tl.multitest(["a"])
    with pytest.raises(ValueError, match="method"):
        tl.multitest([0.1], "sidak")
    with pytest.raises(ValueError, match="alpha"):
        tl.multitest([0.1], alpha=1.5)
    with pytest.raises(TypeError, match="alpha"):
        tl.multitest([0.1], alpha="0.05")  # type: ignore[arg-type]
