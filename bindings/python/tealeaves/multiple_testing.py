"""Multiple testing across series, frequencies and lags: adjusted p-values ("q-values").

``multitest`` reproduces ``statsmodels.stats.multitest.multipletests`` (``pvals_corrected``
and ``reject``) for Bonferroni, Holm, Benjamini-Hochberg and Benjamini-Yekutieli.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._validation import as_float_array, check_choice

if TYPE_CHECKING:
    import pandas as pd

METHODS = ("bonferroni", "holm", "bh", "by", "fdr_bh", "fdr_by")
_CANONICAL = {"fdr_bh": "bh", "fdr_by": "by"}


@dataclass(frozen=True, eq=False)
class MultitestResult:
    """Adjusted p-values in input order and the hypotheses rejected at ``alpha``.

    ``method`` is one of bonferroni, holm (family-wise error rate), bh or by (false
    discovery rate; by holds under any dependence between the tests).
    """

    adjusted: np.ndarray
    reject: np.ndarray
    method: str
    alpha: float
    n_tests: int

    @property
    def n_rejected(self) -> int:
        return int(np.count_nonzero(self.reject))

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {"adjusted": self.adjusted, "reject": self.reject},
            index=pd.RangeIndex(self.n_tests, name="test"),
        )

    def _repr_html_(self) -> str:
        from .results import _html_table

        return _html_table(
            "MultitestResult",
            {
                "method": self.method,
                "alpha": self.alpha,
                "tests": self.n_tests,
                "rejected": self.n_rejected,
            },
        )


def multitest(pvalues: Any, method: str = "bh", *, alpha: float = 0.05) -> MultitestResult:
    """Adjust p-values for multiple testing, as statsmodels' ``multipletests``.

    Parameters
    ----------
    pvalues : 1-D array of p-values in [0, 1]. NaN is refused (statsmodels would silently
        propagate it): drop or fill untested hypotheses first.
    method : "bonferroni", "holm", "bh" (Benjamini-Hochberg) or "by" (Benjamini-Yekutieli);
        statsmodels' names "fdr_bh" and "fdr_by" are accepted too.
    alpha : family-wise error rate (bonferroni, holm) or false discovery rate (bh, by).

    Returns
    -------
    MultitestResult with ``adjusted`` (monotone in p, clipped to 1) and ``reject``.
    """
    p = as_float_array(pvalues, "pvalues")
    check_choice(method, "method", METHODS)
    if isinstance(alpha, (str, bytes, bool)) or not isinstance(alpha, (int, float, np.number)):
        raise TypeError(f"alpha: expected a number, got {type(alpha).__name__}")
    name = _CANONICAL.get(method, method)
    raw = _core.multitest.multitest(p, method=name, alpha=float(alpha))
    return MultitestResult(
        adjusted=raw["adjusted"],
        reject=raw["reject"],
        method=raw["method"],
        alpha=raw["alpha"],
        n_tests=len(p),
    )
