"""EventSeries from Python: numbers and date-times, windows, gaps, duplicates, bad input."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import tealeaves as tl


def test_times_are_relative_to_the_window_start_without_copy_on_read() -> None:
    s = tl.EventSeries([1.7e9 + 0.5, 1.7e9 + 2.0], start=1.7e9, end=1.7e9 + 10)
    assert s.origin == 1.7e9
    np.testing.assert_array_equal(s.times, [0.5, 2.0])
    assert not s.times.flags.writeable
    assert s.duration == 10 and s.exposure == 10 and len(s) == 2
    assert "2023-11-14" in repr(s)


def test_datetime64_input_keeps_nanosecond_offsets_exactly() -> None:
    base = np.datetime64("2016-07-06T00:00:00", "ns")
    stamps = base + np.array([0, 1, 1_000_000_007], dtype="timedelta64[ns]")
    s = tl.EventSeries(stamps)
    assert s.origin == pytest.approx(1467763200.0)
    np.testing.assert_array_equal(s.times, [0.0, 1e-9, 1.000000007])
    # As epoch floats the 1 ns step would be lost entirely:
    assert (1467763200.0 + 1e-9) - 1467763200.0 == 0.0
    assert s.datetimes[0] == pd.Timestamp("2016-07-06", tz="UTC")


def test_pandas_and_datetime_inputs_with_time_zones() -> None:
    idx = pd.DatetimeIndex(["2016-07-06 03:00", "2016-07-06 03:05"], tz="Europe/Moscow")
    s = tl.EventSeries(idx)
    assert s.datetimes[0] == pd.Timestamp("2016-07-06 00:00", tz="UTC")
    s2 = tl.EventSeries(pd.Series(idx))
    np.testing.assert_array_equal(s2.times, [0.0, 300.0])
    s3 = tl.EventSeries(
        [dt.datetime(2016, 7, 6, 0, 0), dt.datetime(2016, 7, 6, 0, 1)],
        start=dt.datetime(2016, 7, 5, 23, 59),
        end="2016-07-06 01:00",
    )
    np.testing.assert_array_equal(s3.times, [60.0, 120.0])
    assert s3.duration == 3660.0


def test_gaps_and_good_time_intervals_are_two_views_of_one_thing() -> None:
    t = [1.0, 2.0, 8.0, 9.0]
    a = tl.EventSeries(t, start=0, end=10, gaps=[(3, 7)])
    b = tl.EventSeries(t, gti=[(0, 3), (7, 10)])
    np.testing.assert_array_equal(a.good_intervals, b.good_intervals)
    assert a.exposure == b.exposure == 6.0
    counts = a.bin(1.0)
    np.testing.assert_array_equal(counts.exposure, [1, 1, 1, 0, 0, 0, 0, 1, 1, 1])
    assert counts.counts.sum() == 4


def test_unsorted_input_is_an_error_unless_sorting_is_asked_for() -> None:
    with pytest.raises(ValueError, match=r"^times: not sorted: times\[1\]"):
        tl.EventSeries([2.0, 1.0, 3.0])
    s = tl.EventSeries([2.0, 1.0, 3.0], sort=True)
    assert s.repairs["n_out_of_order"] == 1
    np.testing.assert_array_equal(s.times, [0.0, 1.0, 2.0])


def test_duplicates_kept_or_collapsed_with_multiplicity() -> None:
    t = [0.0, 0.0, 0.75, 1.5, 10.0]
    kept = tl.EventSeries(t)
    assert kept.repairs["n_duplicates"] == 1 and len(kept) == 5
    collapsed = tl.EventSeries(t, duplicates="collapse", duplicate_tolerance=0.8)
    np.testing.assert_array_equal(collapsed.multiplicity, [3, 1, 1])
    assert collapsed.total_count == 5 and collapsed.repairs["n_collapsed"] == 2
    assert collapsed.bin(5.0).counts.sum() == 5


def test_drop_outside_counts_what_it_drops() -> None:
    s = tl.EventSeries(
        [0.0, 5.0, 50.0, 99.0], start=1.0, end=60.0, gaps=[(40, 55)], drop_outside=True
    )
    np.testing.assert_array_equal(s.times, [4.0])
    assert s.repairs["n_dropped_outside"] == 3


def test_to_pandas_and_plot() -> None:
    import matplotlib

    matplotlib.use("Agg")
    s = tl.EventSeries([1.467e9, 1.467e9 + 60])
    frame = s.to_pandas()
    assert list(frame.columns) == ["time", "offset_s", "multiplicity"]
    assert frame["offset_s"].iloc[1] == 60.0
    ax = s.plot()
    assert ax.get_title() == "2 events"
    binned = s.bin(10.0)
    assert binned.to_pandas()["counts"].sum() == 2
    assert binned.plot() is not None


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"times": []}, ValueError, "times"),
        ({"times": [1.0, np.nan]}, ValueError, "times"),
        ({"times": [1.0, np.inf]}, ValueError, "times"),
        ({"times": [1.7e12]}, ValueError, "times"),
        ({"times": ["a", "b"]}, TypeError, "times"),
        ({"times": np.array([1 + 2j])}, TypeError, "times"),
        ({"times": np.ones((2, 2))}, ValueError, "times"),
        ({"times": [3.0, 1.0]}, ValueError, "times"),
        ({"times": [1.0, 5.0], "start": 2.0}, ValueError, "start"),
        ({"times": [1.0, 5.0], "end": 4.0}, ValueError, "end"),
        ({"times": [1.0, 5.0], "start": 0.0, "end": -1.0}, ValueError, "end"),
        ({"times": [1.0, 5.0], "gaps": [(2, 4, 5)]}, ValueError, "gaps"),
        ({"times": [1.0, 5.0], "gaps": [(4, 2)]}, ValueError, r"gaps\[0\]"),
        ({"times": [1.0, 3.0, 5.0], "gaps": [(2, 4)]}, ValueError, "gaps"),
        ({"times": [1.0, 5.0], "duplicates": "merge"}, ValueError, "duplicates"),
        ({"times": [1.0, 5.0], "duplicate_tolerance": -1}, ValueError, "duplicate_tolerance"),
        ({"times": [1.0, 5.0], "gaps": [], "gti": []}, ValueError, "gti"),
        ({"times": np.array(["2016-01-01", "NaT"], dtype="datetime64[ns]")}, ValueError, "times"),
        ({"times": [1.0, 5.0], "start": np.datetime64("2016-01-01")}, TypeError, "start"),
        ({"times": [1.0, 5.0], "start": "2016-01-01"}, TypeError, "start"),
        ({"times": [1.0, 5.0], "duplicate_tolerance": "x"}, TypeError, "duplicate_tolerance"),
        # Regression: a bare number beside date-times was read as nanoseconds since 1970.
        (
            {"times": np.array(["2024-01-01"], dtype="datetime64[ns]"), "start": 1704067200.0},
            TypeError,
            "start",
        ),
        (
            {"times": np.array(["2024-01-01"], dtype="datetime64[ns]"), "gaps": [(1.0, 2.0)]},
            TypeError,
            "gaps",
        ),
    ],
)
def test_bad_series_input_names_the_argument(kwargs, error, name) -> None:
    times = kwargs.pop("times")
    with pytest.raises(error, match=rf"^{name}:"):
        tl.EventSeries(times, **kwargs)
