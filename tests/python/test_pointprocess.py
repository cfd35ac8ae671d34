"""Point-process model comparison: selection on known processes, peers (scipy), invariants."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from tealeaves.datasets.simulate import beacon_times, human_times, poisson_times
from tealeaves.pointprocess import compare_models, simulate_hawkes, simulate_renewal
from tealeaves.series import EventSeries

MONDAY = 1467590400.0  # 2016-07-04 00:00:00 UTC, a Monday


@pytest.fixture(scope="module")
def human():
    times = human_times(MONDAY, MONDAY + 14 * 86400.0, utc_offset_hours=-5.0, seed=3)
    return times, compare_models(times, utc_offset_hours=-5.0, n_bootstrap=19, seed=1)


def test_poisson_data_prefers_poisson_and_hawkes_lr_is_not_small():
    times = poisson_times(0.02, MONDAY, MONDAY + 3 * 86400.0, seed=5)
    c = compare_models(times, n_bootstrap=39, seed=2)
    assert c.best_bic in ("poisson", "routine")
    hawkes_test = next(t for t in c.lr_tests if t.alternative == "hawkes")
    assert hawkes_test.method == "parametric_bootstrap"
    assert np.isnan(hawkes_test.p_chi2)
    assert hawkes_test.p_value > 0.05
    assert c.branching_ratio < 0.2


def test_hawkes_data_prefers_hawkes_with_small_lr_p():
    times = simulate_hawkes(0.05, 0.6, 0.1, MONDAY, MONDAY + 20000.0, seed=8)
    c = compare_models(times, n_bootstrap=39, seed=3)
    assert c.best_aic == "hawkes"
    assert c.best_bic == "hawkes"
    hawkes_test = next(t for t in c.lr_tests if t.alternative == "hawkes")
    assert hawkes_test.p_value == pytest.approx(1 / 40)
    assert abs(c.branching_ratio - 0.6) < 0.12
    assert c.fit("hawkes").params["beta"] == pytest.approx(0.1, rel=0.4)


def test_jittered_beacon_prefers_renewal():
    times = beacon_times(
        300.0, MONDAY, MONDAY + 2 * 86400.0, jitter=5.0, miss_probability=0.05, seed=4
    )
    c = compare_models(times, n_bootstrap=0)
    assert c.best_aic == "renewal"
    assert c.best_bic == "renewal"
    fit = c.fit("renewal")
    assert fit.params["period"] == pytest.approx(300.0, rel=1e-3)
    # Gap jitter of independently jittered beats is sqrt(2) times the beat jitter.
    assert fit.params["jitter"] == pytest.approx(5.0 * np.sqrt(2.0), rel=0.15)
    assert fit.ks_p > 0.01


def test_engine_renewal_simulator_round_trip():
    times = simulate_renewal(60.0, 2.0, 0.2, MONDAY, MONDAY + 86400.0, seed=1)
    fit = compare_models(times, models=("renewal",), period_hint=60.0, n_bootstrap=0).fit("renewal")
    assert fit.params["period"] == pytest.approx(60.0, rel=1e-3)
    assert fit.params["miss"] == pytest.approx(0.2, abs=0.04)


def test_person_prefers_routine_or_hawkes_over_poisson(human):
    _, c = human
    assert c.best_aic in ("routine", "hawkes")
    assert c.best_bic in ("routine", "hawkes")
    assert c.fit("routine").aic < c.fit("poisson").aic
    assert c.fit("hawkes").aic < c.fit("poisson").aic
    routine_test = next(t for t in c.lr_tests if t.alternative == "routine")
    assert routine_test.p_value == pytest.approx(1 / 20)
    assert routine_test.p_chi2 < 1e-10
    # The weekend coefficient is strongly negative: nobody works on Saturday.
    assert c.fit("routine").params["weekend"] < -5


def test_ks_and_chi2_match_scipy(human):
    _, c = human
    for fit in c.fits:
        ref = stats.kstest(fit.rescaled, "expon")
        assert fit.ks_stat == pytest.approx(ref.statistic, rel=1e-12)
    times = poisson_times(0.01, MONDAY, MONDAY + 4 * 86400.0, seed=9)
    c = compare_models(times, models=("poisson",), n_bootstrap=0)
    fit = c.fit("poisson")
    ref = stats.kstest(fit.rescaled, "expon")
    # Asymptotic Kolmogorov with Stephens' correction vs scipy's exact distribution.
    assert fit.ks_p == pytest.approx(ref.pvalue, abs=0.02)
    c = compare_models(times, models=("poisson", "routine"), n_bootstrap=0, harmonics=2)
    t = c.lr_tests[0]
    assert t.method == "chi2"
    assert t.p_value == pytest.approx(stats.chi2.sf(t.statistic, t.dof), rel=1e-8)


def test_loglik_closed_forms_and_nesting():
    times = poisson_times(0.01, MONDAY, MONDAY + 4 * 86400.0, seed=11)
    series = EventSeries(times, start=MONDAY, end=MONDAY + 4 * 86400.0)
    c = compare_models(
        series,
        models=("poisson", "routine"),
        harmonics=0,
        weekly=False,
        trend=False,
        n_bootstrap=0,
    )
    n, exposure = len(times), 4 * 86400.0
    expected = n * np.log(n / exposure) - n
    assert c.fit("poisson").loglik == pytest.approx(expected, rel=1e-12)
    assert c.fit("routine").loglik == pytest.approx(expected, rel=1e-9)
    # The rescaled gaps of the Poisson fit are the gaps times the rate.
    np.testing.assert_allclose(
        c.fit("poisson").rescaled,
        np.diff(times, prepend=MONDAY) * n / exposure,
        rtol=1e-9,
        atol=1e-10,
    )


def test_time_origin_invariance_and_datetime_input():
    times = simulate_hawkes(0.01, 0.3, 0.05, MONDAY, MONDAY + 3 * 86400.0, seed=4)
    a = compare_models(times, n_bootstrap=0, harmonics=2)
    b = compare_models(times + 7 * 86400.0, n_bootstrap=0, harmonics=2)
    for fa, fb in zip(a.fits, b.fits):
        assert fa.loglik == pytest.approx(fb.loglik, rel=1e-8)
    dt = (times * 1e9).astype("int64").astype("datetime64[ns]")
    c = compare_models(dt, n_bootstrap=0, harmonics=2)
    for fa, fc in zip(a.fits, c.fits):
        assert fa.loglik == pytest.approx(fc.loglik, rel=1e-6)


def test_threads_determinism_and_outputs(human):
    times, c1 = human
    c2 = compare_models(times, utc_offset_hours=-5.0, n_bootstrap=19, seed=1, threads=2)
    assert [t.k for t in c1.lr_tests] == [t.k for t in c2.lr_tests]
    assert [f.loglik for f in c1.fits] == [f.loglik for f in c2.fits]
    d = c1.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["best_aic"] == c1.best_aic
    frame = c1.to_pandas()
    assert list(frame.index) == ["poisson", "routine", "renewal", "hawkes"]
    assert frame["delta_aic"].min() == 0.0
    assert "ModelComparison" in c1._repr_html_()
    assert "ProcessFit" in c1.fits[0]._repr_html_()
    import matplotlib

    matplotlib.use("Agg")
    ax = c1.plot()
    assert len(ax.lines) == 4 + 3  # four models, the diagonal and the KS band


def test_bad_input_names_the_argument():
    times = poisson_times(0.01, MONDAY, MONDAY + 86400.0, seed=1)
    with pytest.raises(ValueError, match="models"):
        compare_models(times, models=("gamma",))
    with pytest.raises(ValueError, match="models"):
        compare_models(times, models=())
    with pytest.raises(ValueError, match="utc_offset_hours"):
        compare_models(times, utc_offset_hours=30.0)
    with pytest.raises(ValueError, match="period_hint"):
        compare_models(times, period_hint=-1.0)
    with pytest.raises(ValueError, match="n_bootstrap"):
        compare_models(times, n_bootstrap=-1)
    with pytest.raises(ValueError, match="jitter"):
        simulate_renewal(10.0, 6.0, 0.0, 0.0, 100.0)
    tied = compare_models(np.concatenate([times, times[:5]]), n_bootstrap=0)
    assert tied.fit("hawkes").status == "tied_events"
    assert tied.fit("renewal").status == "tied_events"
    assert tied.best_aic in ("poisson", "routine")
    tiny = compare_models([MONDAY, MONDAY + 1.0], n_bootstrap=0)
    assert all(f.status == "insufficient_data" for f in tiny.fits)
    assert tiny.best_aic is None
    json.dumps(tiny.to_dict(), allow_nan=False)


def test_routine_matches_statsmodels_poisson_glm_on_fine_bins():
    """The routine MLE vs a Poisson GLM of 30-s bin counts with log(bin) offset (statsmodels)."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(12)
    offset_h, days = 2.0, 7.0
    start, end = MONDAY, MONDAY + days * 86400.0
    truth = np.array([np.log(0.01), 0.8, -0.4, 0.3, 0.2, 0.5])

    def design(t: np.ndarray) -> np.ndarray:
        w = 2 * np.pi * ((t + offset_h * 3600.0) % 86400.0) / 86400.0
        trend = (t - start) / (end - start) - 0.5
        return np.column_stack(
            [np.ones_like(t), np.cos(w), np.sin(w), np.cos(2 * w), np.sin(2 * w), trend]
        )

    # Thinning of a bounded rate.
    bound = np.exp(truth[0] + np.abs(truth[1:]).sum())
    candidates = np.sort(rng.uniform(start, end, rng.poisson(bound * (end - start))))
    keep = rng.uniform(0, bound, candidates.size) < np.exp(design(candidates) @ truth)
    times = candidates[keep]
    series = EventSeries(times, start=start, end=end)
    fit = compare_models(
        series,
        models=("routine",),
        utc_offset_hours=offset_h,
        harmonics=2,
        weekly=False,
        n_bootstrap=0,
    ).fit("routine")
    width = 30.0
    edges = np.arange(start, end + width / 2, width)
    counts, _ = np.histogram(times, edges)
    mid = 0.5 * (edges[:-1] + edges[1:])
    glm = sm.GLM(
        counts, design(mid), family=sm.families.Poisson(), offset=np.full(mid.size, np.log(width))
    )
    ref = glm.fit().params
    ours = np.array(list(fit.params.values()))
    assert list(fit.params) == ["log_rate", "cos1", "sin1", "cos2", "sin2", "trend"]
    # Binning at 30 s moves each event by <= 15 s: measured difference 7e-5.
    np.testing.assert_allclose(ours, ref, atol=5e-4)
    np.testing.assert_allclose(ours, truth, atol=0.1)
