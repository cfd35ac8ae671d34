"""EventSeries: lookup times validated once, in the C++ engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._timeconv import (
    NS_PER_S,
    is_datetime_like,
    relative_seconds,
    scalar_to_utc_ns,
    to_utc_ns,
)
from ._validation import as_float_array, check_choice

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from .results import BinnedCounts

# Origins above this (1973) are shown as UTC dates: they are almost surely epoch seconds.
_EPOCH_DISPLAY_THRESHOLD = 1e8


class EventSeries:
    """Times at which one client looked up one name, validated once.

    Parameters
    ----------
    times : array-like of float seconds, or of datetime64 / pandas timestamps / datetimes
        Event times. Date-times are converted exactly (integer nanoseconds, naive = UTC).
    start, end : float or date-time, optional
        Observation window. Defaults to the first and last event. Events outside it are an
        error unless ``drop_outside=True``.
    gaps : (n, 2) array-like, optional
        Outages inside the window (no observation): [start, stop] pairs.
    gti : (n, 2) array-like, optional
        Good-time intervals instead of gaps (the complement); sets the window when
        start/end are not given. Give gaps or gti, not both.
    sort : bool
        Unsorted input is an error unless True; the number of descents is in ``repairs``.
    duplicates : {"keep", "collapse"}
        "collapse" merges events within ``duplicate_tolerance`` seconds of a run's first
        event into one event with a multiplicity (e.g. resolver retries, double logging).
    duplicate_tolerance : float
        Seconds; 0 means exactly equal times.
    drop_outside : bool
        Drop (and count) events outside the window or inside gaps instead of raising.

    Notes
    -----
    Times are stored relative to ``origin`` (the window start), so epoch-second inputs keep
    their precision in every computation. What validation changed is in ``repairs``.
    """

    __slots__ = ("_impl", "_is_datetime")

    def __init__(
        self,
        times: Any,
        *,
        start: Any = None,
        end: Any = None,
        gaps: Any = None,
        gti: Any = None,
        sort: bool = False,
        duplicates: str = "keep",
        duplicate_tolerance: float = 0.0,
        drop_outside: bool = False,
    ) -> None:
        check_choice(duplicates, "duplicates", ("keep", "collapse"))
        if gaps is not None and gti is not None:
            raise ValueError("gti: give either gaps or gti, not both")
        self._is_datetime = is_datetime_like(times)
        convert = _DatetimeFrame if self._is_datetime else _NumericFrame
        frame = convert(times, start)
        lo, hi = frame.point(start, "start"), frame.point(end, "end")
        gap_pairs = frame.pairs(gaps, "gaps")
        if gti is not None:
            lo, hi, gap_pairs = _gaps_from_gti(frame.pairs(gti, "gti"), lo, hi)
        self._impl = _core.core.EventSeries(
            frame.times,
            sort=bool(sort),
            start=lo,
            end=hi,
            gaps=gap_pairs,
            duplicates=duplicates,
            duplicate_tolerance=_seconds(duplicate_tolerance, "duplicate_tolerance"),
            drop_outside=bool(drop_outside),
            time_origin=frame.origin,
        )

    @classmethod
    def _wrap(cls, impl: Any, is_datetime: bool = False) -> EventSeries:
        self = cls.__new__(cls)
        self._impl = impl
        self._is_datetime = is_datetime
        return self

    def collapsed(self, tolerance: float) -> EventSeries:
        """This series with runs of events within ``tolerance`` seconds of a run's first event
        merged into one (multiplicities add up; the merges are counted in ``repairs``): resolver
        retries and double logging are one lookup, not several."""
        return EventSeries._wrap(self._impl.collapsed(float(tolerance)), self._is_datetime)

    # -- what validation guarantees -------------------------------------------------------
    @property
    def times(self) -> np.ndarray:
        """Event times in seconds after ``origin`` (read-only, no copy)."""
        return self._impl.times

    @property
    def multiplicity(self) -> np.ndarray:
        return self._impl.multiplicity

    @property
    def origin(self) -> float:
        """Absolute time (epoch seconds for date-time input) of relative time 0."""
        return self._impl.origin

    @property
    def start(self) -> float:
        return self._impl.start

    @property
    def end(self) -> float:
        return self._impl.end

    @property
    def duration(self) -> float:
        return self._impl.duration

    @property
    def exposure(self) -> float:
        """Observed time in seconds: the window less its gaps."""
        return self._impl.exposure

    @property
    def good_intervals(self) -> np.ndarray:
        """(n, 2) array of observed intervals, seconds after ``origin``."""
        return self._impl.good_intervals

    @property
    def n_events(self) -> int:
        return len(self._impl)

    @property
    def total_count(self) -> int:
        """Raw events represented, counting multiplicities."""
        return self._impl.total_count

    @property
    def repairs(self) -> dict[str, int]:
        return self._impl.repairs

    @property
    def absolute_times(self) -> np.ndarray:
        return self._impl.times + self._impl.origin

    @property
    def datetimes(self) -> pd.DatetimeIndex:
        """Event times as UTC timestamps (meaningful for epoch-second series)."""
        import pandas as pd

        origin_ns = round(self.origin * NS_PER_S)
        offsets = np.round(self.times * NS_PER_S).astype(np.int64)
        return pd.DatetimeIndex(pd.to_datetime(origin_ns + offsets, unit="ns", utc=True))

    def __len__(self) -> int:
        return len(self._impl)

    # -- conveniences ---------------------------------------------------------------------
    def bin(self, bin_width: float) -> BinnedCounts:
        """Counts per bin; see :func:`tealeaves.bin_events`."""
        from .spectral import bin_events

        return bin_events(self, bin_width)

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        frame = pd.DataFrame({"offset_s": self.times, "multiplicity": self.multiplicity})
        if self.origin > _EPOCH_DISPLAY_THRESHOLD or self._is_datetime:
            frame.insert(0, "time", self.datetimes)
        return frame

    def plot(self, ax: Axes | None = None) -> Axes:
        from .plotting import plot_series

        return plot_series(self, ax=ax)

    def _describe_time(self, value: float) -> str:
        if self.origin > _EPOCH_DISPLAY_THRESHOLD or self._is_datetime:
            import pandas as pd

            return str(pd.Timestamp(round(value * NS_PER_S), unit="ns", tz="UTC"))
        return f"{value:g} s"

    def __repr__(self) -> str:
        gaps = len(self.good_intervals) - 1
        return (
            f"EventSeries(n_events={self.n_events}, start={self._describe_time(self.start)}, "
            f"end={self._describe_time(self.end)}, duration={self.duration:g} s, "
            f"exposure={self.exposure:g} s, gaps={gaps})"
        )

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(repr(self))}</pre>"


def _seconds(value: Any, name: str) -> float:
    if isinstance(value, (str, bytes, bool)):
        raise TypeError(f"{name}: expected a number of seconds, got {type(value).__name__}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a number of seconds, got {value!r}") from None


class _NumericFrame:
    """Plain float seconds: passed through; the engine subtracts the window start."""

    origin = 0.0

    def __init__(self, times: Any, start: Any) -> None:
        self.times = as_float_array(times, "times")

    def point(self, value: Any, name: str) -> float | None:
        if value is None:
            return None
        if is_datetime_like([value]) or isinstance(value, (str, bytes)):
            raise TypeError(f"{name}: times are numbers, so {name} must be a number too")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{name}: expected a number, got {type(value).__name__}") from None

    def pairs(self, value: Any, name: str) -> np.ndarray:
        return _as_pairs(value, name, lambda column: as_float_array(column, name))


class _DatetimeFrame:
    """Date-times: integer nanoseconds made relative to an origin before becoming floats."""

    def __init__(self, times: Any, start: Any) -> None:
        ns = to_utc_ns(times, "times")
        if start is not None:
            self._origin_ns = scalar_to_utc_ns(start, "start")
        elif len(ns):
            self._origin_ns = int(ns.min())
        else:
            self._origin_ns = 0
        self.origin = self._origin_ns / NS_PER_S
        self.times = relative_seconds(ns, self._origin_ns)

    def point(self, value: Any, name: str) -> float | None:
        if value is None:
            return None
        _refuse_plain_number(value, name)
        return (scalar_to_utc_ns(value, name) - self._origin_ns) / NS_PER_S

    def pairs(self, value: Any, name: str) -> np.ndarray:
        def convert(column: Any) -> np.ndarray:
            for value in column:
                _refuse_plain_number(value, name)
            return relative_seconds(to_utc_ns(column, name), self._origin_ns)

        return _as_pairs(value, name, convert)


def _refuse_plain_number(value: Any, name: str) -> None:
    # A bare number next to date-times is ambiguous (epoch seconds? nanoseconds?): refuse it.
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        raise TypeError(
            f"{name}: times are date-times, so {name} must be a date-time too "
            f"(e.g. a pandas Timestamp or numpy datetime64), got the number {value!r}"
        )


def _as_pairs(value: Any, name: str, convert: Any) -> np.ndarray:
    if value is None:
        return np.empty((0, 2))
    rows = list(value) if not isinstance(value, np.ndarray) else value
    if len(rows) == 0:
        return np.empty((0, 2))
    try:
        starts = [row[0] for row in rows]
        stops = [row[1] for row in rows]
        if any(len(row) != 2 for row in rows):
            raise TypeError
    except (TypeError, IndexError, KeyError):
        raise ValueError(f"{name}: expected a sequence of [start, stop] pairs") from None
    return np.column_stack([convert(starts), convert(stops)])


def _gaps_from_gti(
    gti: np.ndarray, lo: float | None, hi: float | None
) -> tuple[float, float, np.ndarray]:
    """Good-time intervals -> (start, end, gaps), all in the frame's relative seconds."""
    if len(gti) == 0:
        raise ValueError("gti: needs at least one interval")
    gti = gti[np.argsort(gti[:, 0], kind="stable")]
    lo = float(gti[0, 0]) if lo is None else lo
    hi = float(gti[:, 1].max()) if hi is None else hi
    gaps, cursor = [], lo
    for a, b in gti:
        if a > cursor:
            gaps.append((cursor, float(a)))
        cursor = max(cursor, float(b))
    if cursor < hi:
        gaps.append((cursor, hi))
    return lo, hi, np.asarray(gaps, dtype=np.float64).reshape(-1, 2)
