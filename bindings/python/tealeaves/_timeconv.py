"""Datetime inputs -> exact offsets from an epoch origin.

Datetimes arrive as integer nanoseconds; subtracting the origin in integers first keeps their
full precision, which converting to epoch-second floats (~0.2 us resolution) would not.
"""

from __future__ import annotations

from typing import Any

import numpy as np

NS_PER_S = 1_000_000_000


def is_datetime_like(values: Any) -> bool:
    dtype = getattr(values, "dtype", None)
    if dtype is not None:
        # pandas' tz-aware dtype is not a numpy dtype, but says datetime64 in its name.
        return getattr(dtype, "kind", "") == "M" or "datetime64" in str(dtype)
    if isinstance(values, (list, tuple)) and values:
        return _is_datetime_scalar(values[0])
    return False


def _is_datetime_scalar(value: Any) -> bool:
    import datetime as _dt

    return isinstance(value, (np.datetime64, _dt.datetime))


def to_utc_ns(values: Any, name: str) -> np.ndarray:
    """int64 nanoseconds since 1970 UTC; tz-aware inputs are converted, naive ones taken as UTC."""
    import pandas as pd

    try:
        index = pd.DatetimeIndex(pd.to_datetime(values, utc=True))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: could not read as date-times: {exc}") from None
    if index.hasnans:
        first = int(np.flatnonzero(index.isna())[0])
        raise ValueError(f"{name}: value at index {first} is NaT; every time must be set")
    return index.as_unit("ns").asi8


def scalar_to_utc_ns(value: Any, name: str) -> int:
    import pandas as pd

    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: could not read as a date-time: {exc}") from None
    if stamp is pd.NaT:
        raise ValueError(f"{name}: is NaT")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return int(stamp.as_unit("ns").value)


def relative_seconds(ns: np.ndarray, origin_ns: int) -> np.ndarray:
    return (ns - origin_ns).astype(np.float64) / NS_PER_S
