"""Rhythm and time-zone fit: circular statistics against astropy/scipy, offset recovery,
two zones, DST, real data (SNAP CollegeMsg) and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.stats
from astropy.stats import kuiper, rayleightest, vonmisesmle, vtest
from conftest import shared_file

from tealeaves import _core
from tealeaves.datasets.simulate import human_times
from tealeaves.rhythm import fit_timezone, rhythm

MONDAY = 1699833600.0  # 2023-11-13 00:00 UTC, a Monday
DAY = 86400.0
_rh = _core.rhythm


# -- circular statistics against astropy and scipy ----------------------------------------
@pytest.mark.parametrize("n", [12, 45, 300])
def test_circular_statistics_match_astropy(n: int) -> None:
    rng = np.random.default_rng(n)
    a = np.mod(rng.vonmises(1.0, 0.8, n), 2 * np.pi)
    # Same formulas (Wilkie's small-n correction below n = 50): to rounding.
    assert _rh.rayleigh_test(a)["p_value"] == pytest.approx(float(rayleightest(a)), rel=1e-10)
    assert _rh.v_test(a, 0.7)["p_value"] == pytest.approx(float(vtest(a, mu=0.7)), rel=1e-10)
    d, fpp = kuiper(a / (2 * np.pi))
    k = _rh.kuiper_test(a / (2 * np.pi))
    assert k["statistic"] == pytest.approx(d, rel=1e-12)
    assert k["p_value"] == pytest.approx(fpp, rel=1e-8, abs=1e-300)
    # von Mises: mu as astropy; kappa is the exact ML (scipy), astropy uses Fisher's
    # approximation of A1^-1 (differences of a few percent are that approximation's).
    vm = _rh.von_mises_fit(a)
    mu_ap, kappa_ap = vonmisesmle(a)
    assert vm["mu"] == pytest.approx(float(mu_ap) % (2 * np.pi), rel=1e-12)
    kappa_sp, loc_sp, _ = scipy.stats.vonmises.fit(a, fscale=1)
    assert vm["kappa"] == pytest.approx(kappa_sp, rel=1e-5)
    assert vm["kappa"] == pytest.approx(float(kappa_ap), rel=0.05)
    assert np.cos(vm["mu"] - loc_sp) == pytest.approx(1.0, abs=1e-9)


def test_kuiper_small_and_large_statistics_match_astropy() -> None:
    from astropy.stats import kuiper_false_positive_probability as fpp

    for v, n in [(0.15, 10), (0.25, 10), (0.7, 10), (0.8, 9), (0.3, 200), (0.05, 1000)]:
        ours = _rh.kuiper_false_positive_probability(v, n)
        assert ours == pytest.approx(fpp(v, n), rel=1e-9, abs=1e-15)


def test_rayleigh_p_uniform_under_null_vectorised() -> None:
    # 500 seeded uniform samples of 40 phases: KS of the p-values against U(0, 1).
    rng = np.random.default_rng(2026)
    p = np.array([_rh.rayleigh_test(rng.uniform(0, 2 * np.pi, 40))["p_value"] for _ in range(500)])
    assert scipy.stats.kstest(p, "uniform").pvalue > 0.01


def test_rhythm_tests_equal_astropy_on_session_phases() -> None:
    t = human_times(MONDAY, MONDAY + 14 * DAY, utc_offset_hours=2.0, seed=5)
    r = rhythm(t, tz=2.0, mean_direction_hours=13.5)
    # Sessions by hand: a new one after more than 300 s without lookups.
    first = np.concatenate([[True], np.diff(t) > 300.0])
    phase = np.mod(t[first] + 2 * 3600.0, DAY) / DAY * 2 * np.pi
    assert r.n_sessions == first.sum()
    assert r.n_events == t.size
    assert r.rayleigh.p_value == pytest.approx(float(rayleightest(phase)), rel=1e-8, abs=1e-300)
    assert r.v_test is not None
    assert r.v_test.p_value == pytest.approx(
        float(vtest(phase, mu=13.5 / 24 * 2 * np.pi)), rel=1e-8, abs=1e-300
    )
    counts = np.bincount((np.mod(t[first] + 2 * 3600.0, DAY) // 3600).astype(int), minlength=24)
    np.testing.assert_array_equal(r.daily_counts, counts)
    assert 9 <= r.mean_hour <= 18
    assert r.chi2_daily.p_value < 1e-10
    expected = r.daily_exposure / r.daily_exposure.sum() * r.n_sessions
    x2, p = scipy.stats.chisquare(r.daily_counts, expected)
    assert r.chi2_daily.statistic == pytest.approx(x2, rel=1e-12)
    assert r.chi2_daily.p_value == pytest.approx(p, rel=1e-6)
    assert r.chi2_weekly.p_value < 0.05  # no weekend sessions (67 sessions)
    assert r.weekday_counts[5:].sum() == 0
    assert "exposure-weighted" in r.chi2_daily.null
    assert "independent sessions" in r.rayleigh.null
    assert r.daily_exposure.sum() == pytest.approx(t[-1] - t[0])  # window: first to last
    json.dumps(r.to_dict())
    assert set(r.to_pandas()["profile"]) == {"time_of_day", "weekday"}
    assert "Rayleigh" in r._repr_html_() or "rayleigh" in r._repr_html_()


# -- time-zone fit ------------------------------------------------------------------------
def test_timezone_recovers_offset_in_95_percent_of_trials() -> None:
    rng = np.random.default_rng(7)
    grid = np.arange(-12.0, 14.0 + 0.25, 0.25)
    hits, n_events = 0, []
    trials = 100
    for i in range(trials):
        off = float(rng.choice(grid))
        t = human_times(MONDAY, MONDAY + 14 * DAY, utc_offset_hours=off, seed=1000 + i)
        n_events.append(t.size)
        f = fit_timezone(t, two_zones=False, n_surrogates=0)
        hits += abs(f.best_offset_hours - off) <= 1.0
    print(f"offset recovered within 1 h in {hits}/{trials}; median events {np.median(n_events)}")
    assert min(n_events) >= 300
    assert hits >= 95


def test_two_people_in_two_zones_and_one_person_in_one() -> None:
    start, end = MONDAY, MONDAY + 21 * DAY
    ny = human_times(start, end, utc_offset_hours=-4.0, seed=1)
    msk = human_times(start, end, utc_offset_hours=3.0, seed=2)
    f = fit_timezone(np.concatenate([ny, msk]), n_surrogates=0, n_bootstrap=39, seed=3)
    two = f.two_zones
    assert two is not None
    assert two["preferred_bic"] and two["preferred_test"] and f.two_zones_preferred
    assert abs(two["offset1_hours"] + 4.0) <= 1.0
    assert abs(two["offset2_hours"] - 3.0) <= 1.0
    assert 0.3 < two["weight"] < 0.7
    # One person: the measured false "two zones" rate over 100 trials (60-minute grid keeps it
    # quick; the C++ suite repeats this with its own simulator).
    false_test = false_bic = 0
    for i in range(100):
        off = float(np.random.default_rng(i).integers(-12, 15))
        t = human_times(start, end, utc_offset_hours=off, seed=500 + i)
        g = fit_timezone(t, n_surrogates=0, n_bootstrap=19, step_minutes=60, seed=i)
        assert g.two_zones is not None
        false_test += g.two_zones["preferred_test"]
        false_bic += g.two_zones["preferred_bic"]
    print(f"false two-zone rate: test {false_test}/100, BIC {false_bic}/100")
    assert false_test <= 10
    assert false_bic <= 10


def test_significance_of_a_human_series() -> None:
    t = human_times(MONDAY, MONDAY + 21 * DAY, utc_offset_hours=-5.0, seed=11)
    f = fit_timezone(t, two_zones=False, n_surrogates=199, seed=1, zones=["America/Chicago"])
    print(f"human series: circular-shift p = {f.p_value}, poisson p = {f.p_value_poisson}")
    assert f.best_offset_hours == pytest.approx(-5.0, abs=1.0)
    assert f.interval_hours[0] <= f.best_offset_hours <= f.interval_hours[1]
    assert f.p_value_poisson == pytest.approx(1 / 200)
    # Circular shift keeps the daily shape: rotations that misalign the working week or blur
    # the simulated worker's sharp 09:00/18:00 edges score lower (measured p = 0.015 here).
    assert f.p_value <= 0.05
    assert "circular_shift" in f.null and "poisson" in f.null_poisson
    # November 2023 Chicago is UTC-6 (standard time): one hour off the simulated -5.
    assert f.zone_loglik["America/Chicago"] < f.loglik.max()
    json.dumps(f.to_dict())
    assert list(f.to_pandas().columns) == ["offset_hours", "loglik"]
    assert "Time-zone fit" in f._repr_html_()


def test_same_seed_same_result_any_threads() -> None:
    t = human_times(MONDAY, MONDAY + 14 * DAY, utc_offset_hours=8.0, seed=4)
    a = fit_timezone(t, n_surrogates=19, n_bootstrap=9, step_minutes=60, seed=5, threads=1)
    b = fit_timezone(t, n_surrogates=19, n_bootstrap=9, step_minutes=60, seed=5, threads=2)
    assert a.p_value == b.p_value and a.p_value_poisson == b.p_value_poisson
    assert a.two_zones == b.two_zones


# -- daylight saving ----------------------------------------------------------------------
def test_dst_zone_keeps_the_peak_hour() -> None:
    # New York left DST on 2023-11-05 06:00 UTC: the same 09-18 person is UTC-4 before and
    # UTC-5 after. Three weeks on each side.
    change = 1699164000.0
    before = human_times(change - 21 * DAY, change, utc_offset_hours=-4.0, seed=8)
    after = human_times(change, change + 21 * DAY, utc_offset_hours=-5.0, seed=9)
    zone = [rhythm(x, tz="America/New_York") for x in (before, after)]
    fixed = [rhythm(x, tz=-5.0) for x in (before, after)]
    assert abs(zone[0].mean_hour - zone[1].mean_hour) < 0.4
    assert abs(fixed[0].mean_hour - fixed[1].mean_hour - (-1.0)) < 0.4
    both = rhythm(np.concatenate([before, after]), tz="America/New_York")
    inside = both.daily_counts[9:18].sum() / both.daily_counts.sum()
    shifted = rhythm(np.concatenate([before, after]), tz=-5.0)
    assert inside > 0.98
    assert shifted.daily_counts[8] > 0.03 * shifted.daily_counts.sum()
    assert both.daily_exposure.sum() == pytest.approx(both.weekday_exposure.sum())


# -- bad input ----------------------------------------------------------------------------
def test_bad_input_names_the_argument() -> None:
    t = human_times(MONDAY, MONDAY + 7 * DAY, utc_offset_hours=0.0, seed=1)
    with pytest.raises(ValueError, match="tz: unknown time zone"):
        rhythm(t, tz="Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="zones: unknown time zone"):
        fit_timezone(t, zones=["Nowhere/City"], n_surrogates=0)
    with pytest.raises(ValueError, match="template"):
        fit_timezone(t, template=np.ones((24, 7)), n_surrogates=0)
    with pytest.raises(ValueError, match="template"):
        fit_timezone(t, template="night-owl", n_surrogates=0)
    with pytest.raises(ValueError, match="step_minutes"):
        fit_timezone(t, step_minutes=25, n_surrogates=0)
    with pytest.raises(ValueError, match="bins"):
        rhythm(t, bins=1)
    with pytest.raises(ValueError, match="collapse_within"):
        rhythm(t, collapse_within=-1.0)
    with pytest.raises(ValueError, match="tz"):
        rhythm(t, tz=40.0)


def test_given_template_from_another_series() -> None:
    # A template measured from one person (in local hours) finds another's zone.
    ref = rhythm(human_times(MONDAY, MONDAY + 28 * DAY, utc_offset_hours=0.0, seed=21), tz=0.0)
    template = (ref.week_counts + 0.1) / np.maximum(ref.week_exposure, 1.0)
    t = human_times(MONDAY, MONDAY + 14 * DAY, utc_offset_hours=9.0, seed=22)
    f = fit_timezone(t, template=template, n_surrogates=0, n_bootstrap=0)
    assert f.template == "given"
    assert abs(f.best_offset_hours - 9.0) <= 1.0


def test_plots() -> None:
    import matplotlib

    matplotlib.use("Agg")
    t = human_times(MONDAY, MONDAY + 14 * DAY, utc_offset_hours=1.0, seed=3)
    assert rhythm(t).plot() is not None
    assert fit_timezone(t, n_surrogates=0, two_zones=False).plot() is not None


# -- real data ----------------------------------------------------------------------------
def test_collegemsg_rhythm_and_pacific_zone() -> None:
    path = shared_file("snap-collegemsg-temporal/CollegeMsg.txt")
    t = np.loadtxt(path, skiprows=1, usecols=2)
    # SOURCE.md's local-hour and weekday counts (US Pacific, every message): exact.
    raw = rhythm(t, tz="America/Los_Angeles", collapse_within=0.0)
    published = [5800, 5020, 4178, 2971, 1402, 468, 189, 217, 443, 725, 1344, 1634, 1863, 1869,
                 2436, 2469, 2684, 2559, 2656, 2791, 3039, 3563, 4195, 5320]  # fmt: skip
    np.testing.assert_array_equal(raw.daily_counts, published)
    np.testing.assert_array_equal(raw.weekday_counts, [9082, 10051, 10555, 10134, 7173, 5985, 6855])
    r = rhythm(t, tz="America/Los_Angeles")
    tests = {k: f"{v.p_value:.3g}" for k, v in r.tests.items()}
    print(f"CollegeMsg sessions {r.n_sessions}: p-values {tests}")
    assert r.rayleigh.p_value < 1e-50
    assert r.chi2_daily.p_value < 1e-50
    assert r.chi2_weekly.p_value < 1e-3
    # Students are not office workers: the sleep template (asleep 01-08 local) fits the zone.
    f = fit_timezone(
        t,
        template="sleep",
        n_surrogates=19,
        n_bootstrap=0,
        zones=["America/Los_Angeles", "America/New_York", "Europe/Moscow"],
    )
    print(f"CollegeMsg best offset {f.best_offset_hours} h, interval {f.interval_hours}")
    assert -9.0 <= f.best_offset_hours <= -6.0
    ll = f.zone_loglik
    assert ll["America/Los_Angeles"] > max(ll["America/New_York"], ll["Europe/Moscow"])
    assert f.p_value_poisson == pytest.approx(1 / 20)
