"""Input checks shared by the Python layer: every message names the argument at fault."""

from __future__ import annotations

from typing import Any

import numpy as np

_NUMERIC_KINDS = "iuf"


def as_float_array(values: Any, name: str) -> np.ndarray:
    """A 1-D C-contiguous float64 view of `values` (no copy when it already is one)."""
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = values.to_numpy()
    array = np.asarray(values)
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(
            f"{name}: expected real numbers (int or float dtype), got dtype {array.dtype}"
        )
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array, got shape {array.shape}")
    return np.ascontiguousarray(array, dtype=np.float64)


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def check_positive(value: Any, name: str) -> float:
    if isinstance(value, (str, bytes, bool)):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__}") from None
    if not np.isfinite(number) or number <= 0:
        raise ValueError(f"{name}: must be positive and finite, got {value!r}")
    return number


def check_count(value: Any, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name}: must be at least {minimum}, got {value}")
    return int(value)
