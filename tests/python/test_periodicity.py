"""detect_periods: calibration under the null, power on hard beacons, real data, DNS realities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import shared_file

import tealeaves as tl
from tealeaves import datasets


def _beacon_with_noise(n_total: int, jitter: float, seed: int) -> tl.EventSeries:
    """A 60 s beacon missing half its beats, mixed with as many Poisson lookups."""
    rng = np.random.default_rng(seed)
    period, beats = 60.0, n_total
    t_beacon = np.arange(beats) * period + jitter * period * rng.normal(size=beats)
    t_beacon = t_beacon[rng.random(beats) < 0.5]
    duration = beats * period
    t_noise = rng.uniform(0, duration, n_total - len(t_beacon))
    t = np.sort(np.concatenate([t_beacon, t_noise]))
    return tl.EventSeries(t, start=min(t[0], 0.0), end=max(t[-1], duration))


def test_false_positive_rate_under_poisson_is_calibrated() -> None:
    # alpha = 0.01 on the global p-value over 0.25 mHz .. 0.1 Hz, 1000 Poisson series.
    hits = 0
    for seed in range(1000):
        t = np.sort(np.random.default_rng(10_000 + seed).uniform(0, 12_000, 200))
        found = tl.detect_periods(tl.EventSeries(t, start=0, end=12_000), fmax=0.1, alpha=0.01)
        hits += bool(found.periods)
    assert 0.005 <= hits / 1000 <= 0.02


@pytest.mark.parametrize(("n_total", "jitter"), [(200, 0.10), (1000, 0.20)])
def test_power_on_a_beacon_missing_half_its_beats_in_as_much_noise(n_total, jitter) -> None:
    found = 0
    for seed in range(100):
        result = tl.detect_periods(_beacon_with_noise(n_total, jitter, seed), fmax=0.1)
        best = result.periods[0] if result.periods else None
        if best and abs(best.period_s - 60.0) < 0.6 and best.p_global < 0.01:
            found += 1
    assert found >= 95


def test_the_period_is_described_honestly() -> None:
    result = tl.detect_periods(_beacon_with_noise(4000, 0.05, 1), fmax=0.1)
    p = result.periods[0]
    assert p.period_s == pytest.approx(60.0, abs=3 * p.period_err_s + 1e-3)
    assert p.jitter_s == pytest.approx(3.0, rel=0.2)  # 5 % of 60 s
    assert p.pulsed_fraction == pytest.approx(0.5, abs=0.08)  # half the events are beacon
    assert p.acf_hill and p.source in {"events", "both"}
    assert "Poisson" in result.null and "Davies" in result.global_method
    assert p.p_single <= p.p_global


def test_fundamental_is_reported_once_with_its_harmonics() -> None:
    t = datasets.beacon_times(300.0, 0.0, 86_400.0, jitter=1.0, seed=3)
    result = tl.detect_periods(t)
    assert len(result.periods) == 1
    assert result.periods[0].period_s == pytest.approx(300.0, rel=1e-3)
    assert {2, 3, 4} <= set(result.periods[0].harmonics_seen)


def test_few_events_are_insufficient_not_a_period() -> None:
    result = tl.detect_periods([0.0, 60.0, 120.0, 180.0, 240.0])
    assert result.status == "insufficient" and not result.periods
    assert "fewer than" in result.reason
    short = tl.detect_periods(np.arange(30) * 0.01, collapse=None)
    assert short.status == "insufficient"


def test_retry_clusters_are_collapsed_and_counted() -> None:
    # A 120 s beacon whose every lookup is an NBNS-style triplet 0.75 s apart.
    base = np.arange(300) * 120.0 + np.random.default_rng(2).normal(0, 0.5, 300)
    t = np.sort(np.concatenate([base, base + 0.75, base + 1.5]))
    result = tl.detect_periods(t, collapse=2.0, fmax=0.1)
    assert result.n_events == 300
    assert result.series.repairs["n_collapsed"] == 600
    assert result.series.total_count == 900
    assert result.periods[0].period_s == pytest.approx(120.0, rel=1e-3)


def test_gaps_in_observation_do_not_fake_low_frequency_power() -> None:
    # Poisson lookups, with a long outage: no period may appear from the window's shape.
    false = 0
    for seed in range(100):
        rng = np.random.default_rng(seed)
        t = np.sort(rng.uniform(0, 20_000, 300))
        t = t[(t < 5_000) | (t > 11_000)]
        s = tl.EventSeries(t, start=0, end=20_000, gaps=[(5_000, 11_000)])
        false += bool(tl.detect_periods(s, fmax=0.05).periods)
    assert false <= 5


def test_ttl_floor_separates_cache_schedule_and_chance() -> None:
    cache = datasets.cache_expiry_times(600.0, 1 / 60, 0.0, 7 * 86_400.0, seed=1)
    floor = tl.ttl_floor(cache)
    assert floor.detected and floor.interpretation == "cache-expiry driven"
    assert floor.floor_s == pytest.approx(600.0, rel=0.01) and floor.log_p < -100
    with_log_ttl = tl.ttl_floor(cache, ttl=600.0)
    assert with_log_ttl.consistent_with_log_ttl and with_log_ttl.floor_s == 600.0

    beacon = datasets.beacon_times(300.0, 0.0, 86_400.0, jitter=2.0, seed=2)
    assert tl.ttl_floor(beacon).interpretation == "schedule-like"
    chance = datasets.poisson_times(1 / 300, 0.0, 86_400.0, seed=3)
    assert not tl.ttl_floor(chance).detected


def test_bundled_sample_series_are_told_apart() -> None:
    frame = tl.read_log(datasets.sample_path())
    groups = tl.group_series(frame)
    beacon = tl.detect_periods(groups[("10.1.0.5", "updates.vendor.example")])
    assert [round(p.period_s) for p in beacon.periods] == [300]
    chance = tl.detect_periods(groups[("10.1.0.9", "cdn.assets.example")])
    assert chance.status == "ok" and not chance.periods
    cache = tl.detect_periods(groups[("10.1.0.7", "mail1.campaign.example")], ttl=600.0)
    assert cache.ttl_floor.interpretation == "cache-expiry driven"


# --- real data (skipped where ../shared/data is absent) -------------------------------------
def test_rxte_pulsar_photons() -> None:
    events = pd.read_csv(shared_file("rxte-psr-b1509-58-photons/events.csv"))
    result = tl.detect_periods(events["time_s"].to_numpy(), fmin=1.0, fmax=20.0, collapse=None)
    best = result.periods[0]
    assert best.frequency_hz == pytest.approx(6.5961, abs=0.0003)
    assert best.log_p_global < np.log(1e-20)


def test_wrccdc_pollers_poll_every_30_seconds() -> None:
    frame = tl.read_log(shared_file("wrccdc-2018-zeek-dns/dns.log"))
    groups = tl.group_series(frame[frame["qname"] == "ise.wrccdc.org"], min_events=20)
    pollers = ["10.47.1.100", "10.47.1.153", "10.47.5.100", "10.47.5.155"]
    for client in pollers:
        series = groups[(client, "ise.wrccdc.org")]
        best = tl.detect_periods(series).periods[0]
        gaps = np.diff(series.collapsed(1.0).times)
        one_cycle = np.median(gaps[(gaps > 20) & (gaps < 45)])
        assert best.period_s == pytest.approx(30.3, abs=0.6), client
        # Restarts shift the phase: the typical interval is what the poller's timer says.
        assert best.interval_s == pytest.approx(one_cycle, rel=0.005), client
        assert best.p_global < 1e-3


def test_scripted_curl_loop_period() -> None:
    syn = pd.read_csv(shared_file("slips-test-cc-beacon-pcaps/capture1_tcp_syn.csv"))
    best = tl.detect_periods(syn["ts_epoch_s"].to_numpy()).periods[0]
    assert best.period_s == pytest.approx(2.25, abs=0.05)
    assert best.p_global < 1e-6


def test_bad_detection_options_name_the_argument() -> None:
    t = np.arange(100) * 10.0
    with pytest.raises(ValueError, match=r"^alpha:"):
        tl.detect_periods(t, alpha=1.5)
    with pytest.raises(ValueError, match=r"^harmonics:"):
        tl.detect_periods(t, harmonics=25)
    with pytest.raises(ValueError, match=r"^collapse:"):
        tl.detect_periods(t, collapse=-1.0)
    with pytest.raises(ValueError, match=r"^collapse:"):
        tl.detect_periods(t, collapse=1.0, fmax=5.0)  # would merge beats of 0.2 s periods


def test_automatic_collapse_never_swallows_the_fastest_period() -> None:
    # Regression: a fixed 1 s merge turned a 0.4 s beacon into "1.2 s" when fmax was raised.
    rng = np.random.default_rng(0)
    t = np.sort(np.arange(0, 3600, 0.4) + rng.normal(0, 0.01, 9000))
    best = tl.detect_periods(t, fmax=5.0).periods[0]
    assert best.period_s == pytest.approx(0.4, rel=1e-3)


# ---------------------------------------------------------------- when is a period present


def _spans_reference(t: np.ndarray, period: float, window: float, end: float) -> np.ndarray:
    """Per window: (on, beside) counts of the first tick after t + P - 3h, by plain numpy."""
    h, collapse = 0.05 * period, 0.1 * period
    ticks: list[float] = []
    for x in t:
        if not ticks or x - ticks[-1] > collapse:
            ticks.append(x)
    ticks_a = np.asarray(ticks)
    counts = np.zeros((int(np.ceil(end / window)), 2), int)
    for x in ticks_a:
        if x + period + 3 * h > end:
            continue
        later = ticks_a[ticks_a >= x + period - 3 * h]
        if len(later) and later[0] <= x + period + 3 * h:
            off = abs(later[0] - x - period)
            counts[int(x // window), 0 if off <= h else 1] += 1
    return counts


def test_periodic_spans_counts_match_a_plain_reference_and_date_the_beat() -> None:
    rng = np.random.default_rng(21)
    noise = rng.uniform(0, 10 * 86_400, 150)
    beat = np.arange(4 * 86_400, 8 * 86_400, 1800.0) + rng.normal(0, 20, 192)
    t = np.sort(np.concatenate([noise, beat]))
    s = tl.EventSeries(t, start=0, end=10 * 86_400)
    r = tl.periodic_spans(s, 1800.0)
    assert r.window_s == 86_400.0  # 16 periods fit in a day
    frame = r.to_pandas()
    expected = _spans_reference(s.times, 1800.0, 86_400.0, 10 * 86_400)
    np.testing.assert_array_equal(frame[["n_on", "n_beside"]].to_numpy(), expected)
    assert list(frame.columns) == [
        "start", "end", "n_on", "n_beside", "p_value", "p_adjusted", "testable", "significant"
    ]  # fmt: skip
    assert r.spans == [(4 * 86_400.0, 8 * 86_400.0)]
    assert 4 * 86_400 - 60 < r.first_beat < 4 * 86_400 + 60
    assert 8 * 86_400 - 1900 < r.last_beat < 8 * 86_400
    document = r.to_dict()
    assert document["n_significant"] == 4 and document["spans"] == [[4 * 86_400.0, 8 * 86_400.0]]
    assert r.n_events == 342 and document["lookups_per_tick"] == pytest.approx(342 / r.n_ticks)
    assert "binomial" in document["null"] and "Tarone" in document["correction"]
    assert "PeriodicSpans" in r._repr_html_()


def test_periodic_spans_claim_nothing_for_people_and_poisson() -> None:
    from tealeaves.datasets.scenarios import scenario

    claims = 0
    for seed in range(100):
        for label in ("human", "random"):
            t, _, _ = scenario(label, seed)
            period = float(np.random.default_rng([3, seed]).uniform(300, 7200))
            claims += bool(tl.periodic_spans(t, period).spans)
    assert claims <= 4  # family-wise alpha = 0.01 each: 2 expected at most (measured 0)


def test_alfa_beat_starts_on_25_july_and_spectrum_beats_from_may() -> None:
    from tealeaves.datasets import alfa2016

    frame = alfa2016.load()
    start, end = frame["ts"].min(), frame["ts"].max()
    day = pd.Timestamp("2016-07-25", tz="UTC").timestamp()
    for client in ("217.12.96.15", "217.12.97.15"):
        ts = frame.loc[frame["client"] == client, "ts"].to_numpy()
        r = tl.periodic_spans(tl.EventSeries(ts, start=start, end=end), 3719.0)
        assert day <= r.first_beat < day + 86_400  # nothing periodic before the 25th
        assert len(r.spans) >= 10
    spectrum = frame.loc[frame["client"] == "167.73.110.8", "ts"].to_numpy()
    r = tl.periodic_spans(tl.EventSeries(spectrum, start=start, end=end), 3719.0)
    assert r.first_beat < pd.Timestamp("2016-06-01", tz="UTC").timestamp()


def test_periodic_spans_name_bad_arguments() -> None:
    t = np.arange(0.0, 10_000.0, 100.0)
    for kwargs, name in [
        ({"period": -1.0}, "period"),
        ({"period": 100.0, "half_width": 40.0}, "half_width"),
        ({"period": 100.0, "collapse": 90.0}, "collapse"),
        ({"period": 100.0, "window": 150.0}, "window"),
        ({"period": 100.0, "alpha": 1.5}, "alpha"),
    ]:
        with pytest.raises(ValueError, match=name):
            tl.periodic_spans(t, **kwargs)
