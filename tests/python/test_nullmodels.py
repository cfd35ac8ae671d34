"""Surrogate event series and Monte-Carlo tests: what each null keeps, calibration, rhythm vs
period, determinism, the callable slow path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tealeaves as tl
from tealeaves import datasets, surrogates

DAY = 86400.0
MONDAY = 1_700_438_400.0  # 2023-11-20 00:00 UTC, a Monday


def _gappy(seed: int = 0) -> tl.EventSeries:
    # Times on a 1/4 s lattice (exact in binary) with two outages.
    rng = np.random.default_rng(seed)
    t = np.cumsum(0.25 * rng.integers(1, 400, 400)) + 1000.0
    t = t[(t < 20_000) & ~((t > 5000) & (t < 6000)) & ~((t > 12_000) & (t < 12_500))]
    return tl.EventSeries(
        t + 1.7e9,
        start=1.7e9 + 500,
        end=1.7e9 + 20_000,
        gaps=[(1.7e9 + 5000, 1.7e9 + 6000), (1.7e9 + 12_000, 1.7e9 + 12_500)],
    )


def _inside_good_time(s: tl.EventSeries) -> bool:
    good = s.good_intervals
    t = s.times
    return bool(np.all(np.any((t[:, None] >= good[:, 0]) & (t[:, None] <= good[:, 1]), axis=1)))


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("poisson", {}),
        ("routine", {"utc_offset": 3600.0, "smoothing_hours": 1.0}),
        ("smoothed_rate", {"bandwidth": 600.0}),
        ("shuffle", {}),
        ("dither", {"delta": 30.0}),
        ("circular_shift", {}),
        ("block_bootstrap", {"block_length": 5}),
    ],
)
def test_surrogates_keep_count_window_and_gaps(name: str, options: dict) -> None:
    s = _gappy()
    x = getattr(surrogates, name)(s, seed=3, **options)
    assert isinstance(x, tl.EventSeries)
    assert len(x) == len(s)
    assert (x.start, x.end, x.origin) == (s.start, s.end, s.origin)
    np.testing.assert_array_equal(x.good_intervals, s.good_intervals)
    assert _inside_good_time(x)
    assert not np.array_equal(x.times, s.times)
    again = getattr(surrogates, name)(s, seed=3, **options)
    np.testing.assert_array_equal(again.times, x.times)
    assert not np.array_equal(getattr(surrogates, name)(s, seed=4, **options).times, x.times)


def test_shuffle_keeps_the_gap_multiset_exactly() -> None:
    s = _gappy()
    x = surrogates.shuffle(s, seed=1)
    good = s.good_intervals

    def gaps(series: tl.EventSeries) -> list[np.ndarray]:
        out = []
        for lo, hi in good:
            t = series.times[(series.times >= lo) & (series.times <= hi)]
            out.append(np.sort(np.diff(t)))
        return out

    for a, b in zip(gaps(s), gaps(x)):
        np.testing.assert_array_equal(a, b)
    assert x.times[0] == s.times[0]


def test_routine_keeps_the_hour_of_week_profile() -> None:
    t = datasets.human_times(MONDAY, MONDAY + 28 * DAY, sessions_per_day=30, seed=5)
    s = tl.EventSeries(t, start=MONDAY, end=MONDAY + 28 * DAY, sort=True)

    def profile(series: tl.EventSeries) -> np.ndarray:
        hour_of_week = ((series.absolute_times - MONDAY) // 3600 % 168).astype(int)
        return np.bincount(hour_of_week, minlength=168) / len(series)

    observed = profile(s)
    routine = np.mean([profile(surrogates.routine(s, seed=i)) for i in range(20)], axis=0)
    poisson = profile(surrogates.poisson(s, seed=0))
    assert np.abs(routine - observed).sum() < 0.1  # total variation, sampling noise only
    assert np.abs(poisson - observed).sum() > 0.8
    assert routine[observed == 0].sum() == 0.0  # nights and weekends stay empty


def test_calibration_poisson_null_max_z2() -> None:
    # 1000 homogeneous Poisson series, 19 surrogates each: P(p <= 0.05) = 1/20 exactly.
    n, rejected = 19, 0
    for i in range(1000):
        t = np.sort(np.random.default_rng(50_000 + i).uniform(0, 1000, 30))
        r = tl.mc_test(
            tl.EventSeries(t, start=0, end=1000),
            "max_z2",
            "poisson",
            n=n,
            seed=i,
            threads=1,
            fmax=0.05,
        )
        assert r.p_value >= 1 / (n + 1)
        rejected += r.p_value <= 0.05
    print(f"poisson/max_z2 rejection rate at 0.05: {rejected / 1000:.3f}")
    assert 0.035 <= rejected / 1000 <= 0.065


def test_calibration_shuffle_null_memory() -> None:
    n, rejected = 19, 0
    for i in range(1000):
        gaps = np.random.default_rng(70_000 + i).lognormal(0.0, 1.5, 60)
        r = tl.mc_test(np.cumsum(gaps), "memory", "shuffle", n=n, seed=i, threads=1)
        assert r.p_value >= 1 / (n + 1)
        rejected += r.p_value <= 0.05
    print(f"shuffle/memory rejection rate at 0.05: {rejected / 1000:.3f}")
    assert 0.035 <= rejected / 1000 <= 0.065


def test_daily_rhythm_is_periodic_against_poisson_but_not_against_routine() -> None:
    # Single lookups at random times in working hours on weekdays: a routine, no period.
    t = datasets.human_times(
        MONDAY, MONDAY + 14 * DAY, sessions_per_day=40, lookups_per_session=1, seed=2
    )
    s = tl.EventSeries(t, start=MONDAY, end=MONDAY + 14 * DAY, sort=True)
    daily = tl.mc_test(s, "max_z2", "poisson", n=99, seed=1, fmin=1 / (3 * DAY), fmax=2 / DAY)
    assert daily.p_value == pytest.approx(0.01)
    sub_daily = tl.mc_test(s, "max_z2", "routine", n=99, seed=1, fmin=1 / (6 * 3600), fmax=1 / 300)
    assert sub_daily.p_value > 0.05
    assert sub_daily.null == "routine"


def test_same_p_value_for_any_thread_count() -> None:
    t = np.sort(np.random.default_rng(3).uniform(0, 5000, 300))
    for statistic, null in [("max_z2", "poisson"), ("memory", "shuffle"), ("fano", "dither")]:
        results = [
            tl.mc_test(t, statistic, null, n=99, seed=11, threads=k, fmax=0.05, delta=5.0)
            for k in (1, 2, 8)
        ]
        assert len({r.p_value for r in results}) == 1
        for r in results[1:]:
            np.testing.assert_array_equal(r.null_values, results[0].null_values)


def test_result_object_and_sequential_stopping() -> None:
    t = np.sort(np.random.default_rng(4).uniform(0, 5000, 200))
    r = tl.mc_test(t, "burstiness", "poisson", n=999, seed=0, sequential=10)
    assert r.stopped_early and r.k == 10 and r.n < 999
    assert r.p_value == pytest.approx(10 / r.n)
    assert r.ci[0] <= r.p_value <= r.ci[1]
    frame = r.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert frame.loc[0, "p_value"] == r.p_value
    assert "burstiness" in r._repr_html_()
    with pytest.raises(dataclasses_error()):
        r.p_value = 0.5  # type: ignore[misc]


def dataclasses_error() -> type[Exception]:
    import dataclasses

    return dataclasses.FrozenInstanceError


def test_callable_statistic_uses_the_same_surrogates() -> None:
    s = _gappy()
    seen: list[np.ndarray] = []

    def record(series: tl.EventSeries) -> float:
        seen.append(series.times.copy())
        return float(np.std(np.diff(series.times)))

    r = tl.mc_test(s, record, "shuffle", n=5, seed=9)
    assert r.n == 5 and r.statistic == "record"
    for i, times in enumerate(seen[1:]):
        np.testing.assert_array_equal(times, surrogates.shuffle(s, seed=9, stream=i).times)
    # The std of the gaps is invariant under shuffle (up to rounding): every surrogate ties.
    assert r.k == 5 and r.p_value == 1.0


def test_callable_and_builtin_agree() -> None:
    t = np.sort(np.random.default_rng(6).uniform(0, 5000, 150))
    fast = tl.mc_test(t, "memory", "poisson", n=49, seed=2)
    slow = tl.mc_test(t, lambda s: tl.burstiness(s, replicates=0).memory, "poisson", n=49, seed=2)
    assert slow.k == fast.k
    assert slow.p_value == fast.p_value


def test_bad_arguments_name_the_argument() -> None:
    t = np.arange(10.0)
    with pytest.raises(ValueError, match="null"):
        tl.mc_test(t, "max_z2", "nope")
    with pytest.raises(ValueError, match="statistic"):
        tl.mc_test(t, "nope")
    with pytest.raises(TypeError, match="wibble"):
        tl.mc_test(t, "max_z2", wibble=1)
    with pytest.raises(ValueError, match="bandwidth"):
        surrogates.smoothed_rate(t, seed=0, bandwidth=-1.0)


def test_detect_periods_structured_nulls_are_opt_in() -> None:
    rng = np.random.default_rng(12)
    beacon = np.arange(400) * 60.0 + rng.normal(0, 1.0, 400)
    t = np.sort(np.concatenate([beacon[rng.random(400) < 0.5], rng.uniform(0, 24_000, 200)]))
    plain = tl.detect_periods(t, fmax=0.05)
    assert plain.structured_p == {}
    assert "p_routine" not in plain.to_pandas().columns
    search = tl.detect_periods(t, fmax=0.05, structured_nulls=19, seed=1)
    assert [p.period_s for p in search.periods] == [p.period_s for p in plain.periods]
    assert search.periods and search.periods[0].period_s == pytest.approx(60.0, rel=1e-3)
    assert set(search.structured_p) == {"routine", "shuffle"}
    assert search.structured_p["routine"][0] == pytest.approx(1 / 20)
    assert "p_shuffle" in search.to_pandas().columns


def _brute_coincidence(t, events, tol, lag, direction):
    after = t[:, None] - (events[None, :] + lag)
    before = (events[None, :] - lag) - t[:, None]
    hit = np.zeros(len(t), dtype=bool)
    if direction != "precursor":
        hit |= np.any((after >= 0) & (after <= tol), axis=1)
    if direction != "trigger":
        hit |= np.any((before >= 0) & (before <= tol), axis=1)
    return hit.mean()


def test_coincidence_rate_matches_brute_force() -> None:
    rng = np.random.default_rng(21)
    t = np.sort(rng.integers(0, 40_000, 600) / 4.0)  # quarter seconds: exact in binary
    events = rng.integers(0, 40_000, 50) / 4.0
    s = tl.EventSeries(t, start=0, end=10_000)
    for lag in (0.0, 2.5, -4.0):
        for direction in ("trigger", "precursor", "both"):
            r = tl.mc_test(
                s, "coincidence", "circular_shift", n=9, seed=1, events=events,
                tolerance=45.0, lag=lag, direction=direction,
            )  # fmt: skip
            assert r.observed == _brute_coincidence(t, events, 45.0, lag, direction)
            assert r.statistic == "coincidence"


def test_calibration_circular_shift_null_coincidence() -> None:
    # Poisson series independent of fixed outside events: circular shifts are exchangeable.
    events = np.random.default_rng(5).uniform(0, 10_000, 40)
    n, rejected = 19, 0
    for i in range(1000):
        t = np.sort(np.random.default_rng(90_000 + i).uniform(0, 10_000, 2000))
        r = tl.mc_test(
            tl.EventSeries(t, start=0, end=10_000),
            "coincidence",
            "circular_shift",
            n=n,
            seed=i,
            threads=1,
            events=events,
            tolerance=30.0,
        )
        assert r.p_value >= 1 / (n + 1)
        rejected += r.p_value <= 0.05
    print(f"circular_shift/coincidence rejection rate at 0.05: {rejected / 1000:.3f}")
    assert 0.035 <= rejected / 1000 <= 0.065


def test_coincidence_aligned_series_and_determinism() -> None:
    events = np.sort(np.random.default_rng(8).uniform(0, 9000, 60))
    s = tl.EventSeries(events + 3.0, start=0, end=10_000)
    results = [
        tl.mc_test(
            s,
            "coincidence",
            "circular_shift",
            n=199,
            seed=4,
            threads=k,
            events=events,
            tolerance=5.0,
        )
        for k in (1, 2, 8)
    ]
    assert results[0].observed == 1.0
    assert results[0].p_value == pytest.approx(1 / 200)
    for r in results[1:]:
        assert r.p_value == results[0].p_value
        np.testing.assert_array_equal(r.null_values, results[0].null_values)


def test_coincidence_bad_arguments_name_the_argument() -> None:
    t = np.arange(10.0)
    with pytest.raises(TypeError, match="events"):
        tl.mc_test(t, "coincidence", "circular_shift", tolerance=1.0)
    with pytest.raises(ValueError, match="events"):
        tl.mc_test(t, "coincidence", "circular_shift", events=[], tolerance=1.0)
    with pytest.raises(ValueError, match="tolerance"):
        tl.mc_test(t, "coincidence", "circular_shift", events=[1.0], tolerance=-1.0)
    with pytest.raises(ValueError, match="direction"):
        tl.mc_test(t, "coincidence", "circular_shift", events=[1.0], tolerance=1, direction="up")
    with pytest.raises(ValueError, match="lag"):
        tl.mc_test(t, "coincidence", "circular_shift", events=[1.0], tolerance=1, lag=np.inf)
    with pytest.raises(TypeError, match="coincidence"):
        tl.mc_test(t, "max_z2", "poisson", events=[1.0])
