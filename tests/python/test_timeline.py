"""Coincidence of lookups with a timeline of outside events (tealeaves.timeline).

Rates against an O(n m) numpy reference, Donges' analytical p against scipy.stats.binom,
family-wise calibration under the null over 1,000 simulated series, power, determinism for
any thread count, equivalent event inputs and named errors.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import tealeaves as tl
from tealeaves import _core
from tealeaves.datasets import simulate
from tealeaves.timeline import CoincidenceResult, coincidence

DAY = 86_400.0
START = 1467590400.0  # Monday 2016-07-04 00:00 UTC
N_SERIES = 1000


def _naive_counts(times, starts, ends, tolerance, lag):
    """O(n m): lookup t and event j coincide when start_j + lag <= t <= end_j + lag + tol."""
    t = np.asarray(times)[:, None]
    hit = (t - lag >= starts[None, :]) & (t - lag - tolerance <= ends[None, :])
    return int(hit.any(axis=1).sum()), int(hit.any(axis=0).sum())


def test_rates_equal_the_slow_reference_and_the_result_is_complete() -> None:
    rng = np.random.default_rng(1)
    times = np.sort(START + rng.uniform(0, 30 * DAY, 1500))
    starts = np.sort(START + rng.uniform(0, 30 * DAY, 25))
    ends = starts + rng.uniform(0, DAY, 25)
    tolerances, lags = (0.0, 1800.0, DAY), (-3600.0, 0.0, DAY)
    r = coincidence(
        times, starts, event_ends=ends, tolerances=tolerances, lags=lags, n_surrogates=49
    )
    assert isinstance(r, CoincidenceResult)
    assert r.n_tests == 2 * len(tolerances) * len(lags)
    assert r.null == "circular_shift" and r.correction == "max_t"
    df = r.to_pandas()
    assert len(df) == 9
    for row in df.itertuples():
        k_p, k_t = _naive_counts(times, starts, ends, row.tolerance, row.lag)
        assert row.precursor_rate == k_p / times.size
        assert row.trigger_rate == k_t / starts.size
        assert 1 / 50 <= row.p_precursor <= 1 and 1 / 50 <= row.p_trigger <= 1
        assert row.p_adjusted >= min(row.p_precursor, row.p_trigger)
    assert r.global_p == pytest.approx(df["p_adjusted"].min())
    json.dumps(r.to_dict())
    assert "global p" in r._repr_html_()
    assert r.correlation_lags.tolist() == list(range(-7, 8))
    assert r.correlation_to_pandas().shape == (15, 5)


def test_analytic_p_equals_donges_formula_with_scipy_binom() -> None:
    # A case by hand: 40 lookups in 10 days, 5 instants, tolerance 1 h.
    rng = np.random.default_rng(2)
    times = np.sort(rng.uniform(0, 10 * DAY, 40))
    events = np.array([1.0, 2.5, 4.0, 6.2, 8.9]) * DAY
    r = coincidence(times, events, tolerances=(3600.0,), n_surrogates=9, correlation=False)
    exposure = times[-1] - times[0]
    k_p, k_t = _naive_counts(times, events, events, 3600.0, 0.0)
    q_p = 1 - (1 - 3600.0 / exposure) ** 5
    q_t = 1 - (1 - 3600.0 / exposure) ** 40
    assert r.table["p_poisson_precursor"][0] == pytest.approx(
        stats.binom.sf(k_p - 1, 40, q_p), rel=1e-10
    )
    assert r.table["p_poisson_trigger"][0] == pytest.approx(
        stats.binom.sf(k_t - 1, 5, q_t), rel=1e-10
    )
    assert _core.timeline.donges_p_value(3, 10, 5, 2.0, 100.0) == pytest.approx(
        stats.binom.sf(2, 10, 1 - 0.98**5), rel=1e-12
    )


@pytest.fixture(scope="module")
def null_runs() -> dict[str, float]:
    """1,000 office-hours series over 4 weeks (tealeaves.datasets.simulate.human_times:
    weekdays only, lookups in bursty sessions) and 6 random news days each (windows from
    midnight to midnight), independent of the lookups; 2 tolerances x 2 lags x 2 directions =
    8 tests, 99 circular-shift surrogates in whole days (the events are tied to the clock)."""
    t0 = time.perf_counter()
    fwer = bh = analytic = mc = 0
    for seed in range(N_SERIES):
        rng = np.random.default_rng(10_000 + seed)
        t = simulate.human_times(START, START + 28 * DAY, sessions_per_day=4, seed=seed)
        series = tl.EventSeries(t, start=START, end=START + 28 * DAY)
        days = START + DAY * rng.choice(28, 6, replace=False)
        r = coincidence(
            series,
            days,
            event_ends=days + DAY,
            tolerances=(3600.0, DAY),
            lags=(0.0, DAY),
            n_surrogates=99,
            shift_step=DAY,
            max_lag=3,
            seed=seed,
            threads=1,
        )
        fwer += r.global_p <= 0.05
        bh += np.nanmin(r.table["q_bh"]) <= 0.05
        analytic += r.table["p_poisson_precursor"][0] <= 0.05
        mc += r.table["p_precursor"][0] <= 0.05
    out = {
        "fwer": fwer / N_SERIES,
        "bh": bh / N_SERIES,
        "analytic": analytic / N_SERIES,
        "mc": mc / N_SERIES,
        "seconds": time.perf_counter() - t0,
    }
    print(f"\ncalibration under the null over {N_SERIES} series: {out}")
    return out


def test_family_wise_result_is_calibrated_under_the_null(null_runs) -> None:
    # Global adjusted p <= 0.05 in 3.5-6.5 % of 1,000 null series (binomial sd 0.7 %).
    assert 0.035 <= null_runs["fwer"] <= 0.065
    # BH controls the false discovery rate; under the global null any discovery is false, so
    # its rate is the FDR itself: at most alpha, up to Monte-Carlo noise.
    assert null_runs["bh"] <= 0.065


def test_circular_shift_stays_calibrated_where_the_poisson_formula_over_rejects(
    null_runs,
) -> None:
    # Why the null must keep the series' rhythm: office-hours lookups come in sessions on
    # weekdays. Donges' Poisson formula treats every lookup as an independent uniform draw, so
    # a news day that happens to be a busy weekday looks like a huge excess: it rejects far
    # more often than 5 %. Rotating the real series keeps its sessions and its rhythm (and,
    # in whole days, its time of day against the midnight-aligned news days).
    assert null_runs["analytic"] > 0.2
    assert 0.035 <= null_runs["mc"] <= 0.065


def test_planted_trigger_effect_is_found() -> None:
    rng = np.random.default_rng(3)
    background = simulate.poisson_times(10 / DAY, START, START + 60 * DAY, seed=3)
    events = np.sort(START + rng.uniform(0, 59 * DAY, 12))
    planted = (events[:, None] + rng.uniform(600, 1800, (12, 3))).ravel()
    r = coincidence(
        np.concatenate([background, planted]), events, lags=(0.0, DAY), n_surrogates=199
    )
    assert r.global_p < 0.01
    assert r.best["tolerance"] == 3600.0 and r.best["lag"] == 0.0
    assert r.best["trigger_rate"] == 1.0


def test_same_seed_gives_identical_results_for_any_thread_count() -> None:
    t = simulate.human_times(START, START + 21 * DAY, seed=4)
    events = START + DAY * np.array([2.3, 7.5, 11.1, 16.8])
    runs = [
        coincidence(t, events, lags=(0.0, 3600.0), n_surrogates=199, seed=9, threads=k)
        for k in (1, 2, 8)
    ]
    for r in runs[1:]:
        for key, values in r.table.items():
            np.testing.assert_array_equal(values, runs[0].table[key], err_msg=key)
        np.testing.assert_array_equal(r.correlation_p, runs[0].correlation_p)
        assert r.global_p == runs[0].global_p
    other = coincidence(t, events, lags=(0.0, 3600.0), n_surrogates=199, seed=10)
    assert not np.array_equal(other.table["p_precursor"], runs[0].table["p_precursor"])


def test_event_inputs_in_every_form_agree() -> None:
    t = simulate.human_times(START, START + 14 * DAY, seed=5)
    dates = ["2016-07-06", "2016-07-12", "2016-07-14"]
    seconds = pd.to_datetime(dates, utc=True).as_unit("ns").asi8 / 1e9
    kw = {"n_surrogates": 19, "max_lag": 2}
    base = coincidence(t, seconds, event_ends=seconds + DAY, **kw)
    stamps = pd.to_datetime(dates)
    for events, ends in [
        (dates, [str(d.date() + pd.Timedelta(days=1)) for d in stamps]),
        (
            np.array(dates, dtype="datetime64[ns]"),
            np.array(dates, dtype="datetime64[ns]") + 86400 * 10**9,
        ),
        (list(stamps), list(stamps + pd.Timedelta(days=1))),
    ]:
        r = coincidence(t, events, event_ends=ends, **kw)
        for key, values in r.table.items():
            np.testing.assert_array_equal(values, base.table[key], err_msg=key)
    # Lookups as date-times too (same instants to the nanosecond's rounding).
    stamps_t = pd.to_datetime(np.round(t * 1e9).astype(np.int64), unit="ns")
    r = coincidence(stamps_t, dates, event_ends=[d + pd.Timedelta(days=1) for d in stamps], **kw)
    np.testing.assert_array_equal(r.table["k_precursor"], base.table["k_precursor"])
    np.testing.assert_array_equal(r.table["k_trigger"], base.table["k_trigger"])


def test_routine_null_runs_and_is_named() -> None:
    t = simulate.human_times(START, START + 14 * DAY, seed=6)
    r = coincidence(t, [START + 3 * DAY], null="routine", n_surrogates=19, max_lag=1)
    assert r.null == "routine"
    assert r.to_dict()["null"] == "routine"


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"tolerances": (-1.0,)}, "tolerances"),
        ({"lags": ()}, "lags"),
        ({"null": "nope"}, "null"),
        ({"direction": "sideways"}, "direction"),
        ({"correction": "holm"}, "correction"),
        ({"n_surrogates": 0}, "n_surrogates"),
        ({"bin_width": 0.0}, "bin_width"),
        ({"event_ends": [1.0, 2.0]}, "event_ends"),
    ],
)
def test_bad_input_names_the_argument(kwargs, name) -> None:
    t = np.linspace(0, 10 * DAY, 100)
    with pytest.raises(ValueError, match=f"^{name}"):
        coincidence(t, [DAY, 2 * DAY, 3 * DAY], **kwargs)


def test_events_outside_the_window_are_refused_or_dropped() -> None:
    t = np.linspace(0, 10 * DAY, 100)
    with pytest.raises(ValueError, match=r"^events"):
        coincidence(t, [100 * DAY])
    with pytest.raises(ValueError, match=r"^events"):
        coincidence(t, [])
    r = coincidence(t, [DAY, 100 * DAY], n_surrogates=9)
    assert r.n_events == 1 and r.n_events_dropped == 1


def test_plot_draws_the_lagged_correlation() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    t = simulate.human_times(START, START + 14 * DAY, seed=7)
    r = coincidence(t, [START + 2 * DAY, START + 8 * DAY], n_surrogates=19, max_lag=2)
    ax = r.plot()
    assert len(ax.lines) >= 2


def test_lagged_correlation_equals_numpy_corrcoef_on_binned_counts() -> None:
    rng = np.random.default_rng(8)
    t = np.sort(START + rng.uniform(0, 40 * DAY, 3000))
    series = tl.EventSeries(t, start=START, end=START + 40 * DAY)
    events = START + DAY * np.array([3.2, 9.5, 17.1, 25.8, 33.3])
    r = coincidence(series, events, n_surrogates=19, bin_width=DAY, max_lag=4)
    counts = np.bincount(((t - START) // DAY).astype(int), minlength=40)[:40]
    indicator = np.zeros(40)
    indicator[((events - START) // DAY).astype(int)] = 1.0
    for lag, value in zip(r.correlation_lags, r.correlation_r, strict=True):
        k = np.arange(max(0, -lag), min(40, 40 - lag))
        expected = np.corrcoef(counts[k + lag], indicator[k])[0, 1]
        assert value == pytest.approx(expected, abs=1e-12)
    assert np.all(r.correlation_p_adjusted >= r.correlation_p)
    assert r.correlation_global_p == pytest.approx(r.correlation_p_adjusted.min())


def test_lagged_correlation_finds_lookups_the_day_after_events() -> None:
    rng = np.random.default_rng(9)
    span = 60 * DAY
    background = START + rng.uniform(0, span, 1200)
    days = np.sort(rng.choice(58, 8, replace=False))
    extra = (START + DAY * (days[:, None] + 1) + rng.uniform(0, DAY, (8, 25))).ravel()
    series = tl.EventSeries(
        np.concatenate([background, extra]), sort=True, start=START, end=START + span
    )
    r = coincidence(series, START + DAY * days + 43200.0, n_surrogates=199, max_lag=3)
    best = int(np.argmax(r.correlation_r))
    assert r.correlation_lags[best] == 1
    assert r.correlation_p_adjusted[best] < 0.01
    assert r.correlation_global_p < 0.01
    # The other lags carry nothing after the max-|r| adjustment.
    others = np.delete(r.correlation_p_adjusted, best)
    assert np.all(others > 0.05)


def test_min_p_correction_bounds_and_names() -> None:
    rng = np.random.default_rng(12)
    events = np.sort(START + rng.uniform(0, 29 * DAY, 10))
    planted = (events[:, None] + rng.uniform(60, 1200, (10, 2))).ravel()
    t = np.concatenate([START + rng.uniform(0, 30 * DAY, 300), planted])
    r = coincidence(t, events, lags=(0.0, DAY), correction="min_p", n_surrogates=499)
    assert r.correction == "min_p"
    df = r.to_pandas()
    assert np.all(df["p_adjusted_precursor"] >= df["p_precursor"])
    assert np.all(df["p_adjusted_trigger"] >= df["p_trigger"])
    assert np.all(df["q_precursor"] >= df["p_precursor"] - 1e-15)
    assert r.global_p < 0.05


def test_a_null_that_kills_bursts_over_rejects_for_session_lookups() -> None:
    # The routine null keeps the hour-of-week rate but redraws lookups independently, so the
    # sessions' clumps of coincidences look like an excess: measured on 150 null series.
    rejections = 0
    for seed in range(150):
        rng = np.random.default_rng(20_000 + seed)
        t = simulate.human_times(START, START + 28 * DAY, sessions_per_day=4, seed=seed)
        series = tl.EventSeries(t, start=START, end=START + 28 * DAY)
        days = START + DAY * rng.choice(28, 6, replace=False)
        r = coincidence(
            series,
            days,
            event_ends=days + DAY,
            tolerances=(3600.0, DAY),
            lags=(0.0, DAY),
            null="routine",
            n_surrogates=99,
            correlation=False,
            seed=seed,
            threads=1,
        )
        rejections += r.global_p <= 0.05
    print(f"\nroutine null, session lookups: global p <= 0.05 in {rejections / 150:.3f}")
    assert rejections / 150 > 0.2
