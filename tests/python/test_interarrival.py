"""Inter-arrival fits against scipy, known processes, Clauset et al. (2009), bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.optimize
import scipy.special
import scipy.stats
from conftest import shared_file

import tealeaves as tl
from tealeaves.interarrivals import fit_distribution

RTOL = 1e-6  # MLEs: both sides solve the same score equations to ~1e-12


def _times(gaps: np.ndarray, start: float = 1.7e9) -> np.ndarray:
    return start + np.concatenate([[0.0], np.cumsum(gaps)])


@pytest.fixture(scope="module")
def gamma_result() -> tl.InterarrivalResult:
    gaps = np.random.default_rng(1).gamma(0.7, 30.0, 2000)
    return tl.interarrival(
        _times(gaps), gof_replicates=0, power_law_replicates=0, counting_replicates=0
    )


def _tight_fmin(func, x0, args=(), disp=0):
    return scipy.optimize.fmin(
        func, x0, args=args, xtol=1e-13, ftol=1e-13, disp=disp, maxiter=20000, maxfun=40000
    )


def test_mles_match_scipy_fits_with_loc_fixed(gamma_result: tl.InterarrivalResult) -> None:
    x = gamma_result.positive
    fits = gamma_result.fits
    scale = scipy.stats.expon.fit(x, floc=0)[1]
    np.testing.assert_allclose(fits["exponential"].params["rate"], 1.0 / scale, rtol=RTOL)
    a, _, scale = scipy.stats.gamma.fit(x, floc=0)
    np.testing.assert_allclose(fits["gamma"].params["shape"], a, rtol=RTOL)
    np.testing.assert_allclose(fits["gamma"].params["scale"], scale, rtol=RTOL)
    s, _, scale = scipy.stats.lognorm.fit(x, floc=0)
    np.testing.assert_allclose(fits["lognormal"].params["sigma"], s, rtol=RTOL)
    np.testing.assert_allclose(fits["lognormal"].params["mu"], np.log(scale), rtol=RTOL)
    # scipy's generic Weibull fit stops at xtol 1e-4; give it a tight Nelder-Mead instead.
    c, _, scale = scipy.stats.weibull_min.fit(x, floc=0, optimizer=_tight_fmin)
    np.testing.assert_allclose(fits["weibull"].params["shape"], c, rtol=RTOL)
    np.testing.assert_allclose(fits["weibull"].params["scale"], scale, rtol=RTOL)
    loc, scale = scipy.stats.expon.fit(x)  # free loc: the shifted exponential
    np.testing.assert_allclose(fits["shifted_exponential"].params["floor"], loc, rtol=RTOL)
    np.testing.assert_allclose(fits["shifted_exponential"].params["rate"], 1 / scale, rtol=RTOL)
    for name, dist, params in [
        ("gamma", scipy.stats.gamma, (a, 0, fits["gamma"].params["scale"])),
        ("lognormal", scipy.stats.lognorm, (s, 0, np.exp(fits["lognormal"].params["mu"]))),
    ]:
        ll = np.sum(dist.logpdf(x, *params))
        np.testing.assert_allclose(fits[name].log_likelihood, ll, rtol=1e-9)


@pytest.mark.parametrize(
    ("draw", "model", "names", "scipy_fit"),
    [
        (
            lambda g: g.weibull(1.7, 800) * 40,
            "weibull",
            ("shape", "scale"),
            lambda x: scipy.stats.weibull_min.fit(x, floc=0, optimizer=_tight_fmin)[::2],
        ),
        (
            lambda g: g.gamma(5.0, 2.0, 800),
            "gamma",
            ("shape", "scale"),
            lambda x: scipy.stats.gamma.fit(x, floc=0)[::2],
        ),
        (
            lambda g: g.lognormal(-1.0, 0.3, 800),
            "lognormal",
            ("sigma",),
            lambda x: scipy.stats.lognorm.fit(x, floc=0)[:1],
        ),
    ],
)
def test_fit_distribution_matches_scipy(draw, model, names, scipy_fit) -> None:
    x = draw(np.random.default_rng(7))
    fit = fit_distribution(x, model)
    np.testing.assert_allclose([fit.params[n] for n in names], scipy_fit(x), rtol=RTOL)
    assert all(np.isfinite(v) for v in fit.std_errors.values())


def test_goodness_of_fit_statistics_match_scipy(gamma_result: tl.InterarrivalResult) -> None:
    x = gamma_result.positive
    g = fit_distribution(x, "gamma", gof_replicates=1)
    ks = scipy.stats.kstest(x, "gamma", args=(g.params["shape"], 0, g.params["scale"]))
    np.testing.assert_allclose(g.ks, ks.statistic, rtol=1e-10)
    e = fit_distribution(x, "exponential", gof_replicates=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scipy 1.17 asks for a p-value method
        reference = scipy.stats.anderson(x, "expon").statistic
    np.testing.assert_allclose(e.anderson_darling, reference, rtol=1e-10)


def test_density_functions_match_scipy(gamma_result: tl.InterarrivalResult) -> None:
    fits = gamma_result.fits
    x = np.geomspace(0.01, 500, 50)
    a, scale = fits["gamma"].params["shape"], fits["gamma"].params["scale"]
    np.testing.assert_allclose(
        fits["gamma"].pdf(x), scipy.stats.gamma.pdf(x, a, 0, scale), rtol=1e-12
    )
    np.testing.assert_allclose(
        fits["gamma"].sf(x), scipy.stats.gamma.sf(x, a, 0, scale), rtol=1e-10
    )
    c, scale = fits["weibull"].params["shape"], fits["weibull"].params["scale"]
    np.testing.assert_allclose(
        fits["weibull"].cdf(x), scipy.stats.weibull_min.cdf(x, c, 0, scale), rtol=1e-12
    )


@pytest.mark.parametrize("s", [1.05, 1.95, 2.5, 4.0])
@pytest.mark.parametrize("q", [0.5, 1.0, 7.0, 323.0, 1e6])
def test_hurwitz_zeta_matches_scipy(s: float, q: float) -> None:
    value, _ = tl._core.interarrival.hurwitz_zeta(s, q)
    np.testing.assert_allclose(value, scipy.special.zeta(s, q), rtol=1e-13)


def test_heavy_tailed_renewal_is_preferred_over_exponential_by_vuong() -> None:
    gaps = 2.0 * np.random.default_rng(3).pareto(1.5, 3000) + 2.0  # heavy tail, alpha 2.5
    r = tl.interarrival(
        _times(gaps), gof_replicates=19, power_law_replicates=19, counting_replicates=0, seed=1
    )
    pair = next(c for c in r.comparisons if {c.first, c.second} == {"exponential", "lognormal"})
    assert pair.test == "vuong" and "equally close" in pair.null
    assert pair.favours == "lognormal"
    assert pair.p_value < 1e-6
    assert r.best_model != "exponential"
    tail = r.power_law.comparisons[0]
    assert tail.second == "exponential" and tail.favours == "power_law"
    assert r.burstiness.b > 0.2


def test_poisson_and_schedule_burstiness() -> None:
    rng = np.random.default_rng(4)
    poisson = tl.burstiness(np.cumsum(rng.exponential(2.0, 20000)), replicates=49, seed=2)
    assert abs(poisson.b) < 0.02 and abs(poisson.b_n) < 0.02
    many = poisson.n_windows >= 100  # windows enough for a precise variance
    np.testing.assert_allclose(poisson.fano[many], 1.0, atol=0.2)
    np.testing.assert_allclose(poisson.allan[many], 1.0, atol=0.2)
    assert np.all(poisson.fano_band[:, 0] < 1) and np.all(poisson.fano_band[:, 1] > 1)
    inside = (poisson.fano >= poisson.fano_band[:, 0]) & (poisson.fano <= poisson.fano_band[:, 1])
    assert inside.sum() >= len(inside) - 3
    assert "Poisson" in poisson.null
    schedule = tl.burstiness(300.0 * np.arange(200), replicates=0)
    assert schedule.b == -1.0 and schedule.b_n == -1.0 and schedule.lv == 0.0
    frame = schedule.to_pandas()
    assert frame.attrs["b"] == -1.0


def test_gaps_across_outages_are_dropped_and_counted() -> None:
    t = np.array([0.0, 10.0, 20.0, 100.0, 110.0, 121.0])
    series = tl.EventSeries(t, gaps=[[30.0, 90.0]])
    r = tl.interarrival(series, gof_replicates=0, power_law=False, counting_replicates=0)
    assert r.n_spanning_outage == 1
    np.testing.assert_array_equal(r.gaps, [10.0, 10.0, 10.0, 11.0])
    assert r.burstiness.n_pairs == 2
    lonely = tl.EventSeries([0.0, 50.0, 100.0], gaps=[[1.0, 49.0], [51.0, 99.0]])
    short = tl.interarrival(lonely, counting_replicates=0)
    assert short.status == "insufficient_data"
    assert short.best_model is None and short.fits == {}


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ([5.0], "times: needs at least 2 events"),
        ([], "times"),
        ([3.0, 3.0, 3.0], "times: all 3 event times are equal"),
        ([1.0, 3.0, 2.0], "times: not sorted"),
    ],
)
def test_bad_input_names_the_argument(times: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tl.interarrival(times)
    with pytest.raises(ValueError, match=message):
        tl.burstiness(times)


def test_bad_options_name_the_argument() -> None:
    t = np.cumsum(np.ones(10))
    with pytest.raises(ValueError, match="models"):
        tl.interarrival(t, models=("pareto",))
    with pytest.raises(ValueError, match="level"):
        tl.burstiness(t, level=1.5)
    with pytest.raises(ValueError, match="values"):
        tl.fit_powerlaw([1.0, np.nan])
    with pytest.raises(ValueError, match="convention"):
        tl.fit_powerlaw([1.0, 2.0, 3.0], convention="matlab")
    assert tl.fit_powerlaw([2.0, 2.0], replicates=0).status == "insufficient_data"


def test_bootstraps_are_identical_for_any_thread_count() -> None:
    t = _times(np.random.default_rng(5).lognormal(1.0, 1.0, 500))
    runs = [
        tl.interarrival(
            t, gof_replicates=20, power_law_replicates=20, counting_replicates=20, seed=9, threads=n
        )
        for n in (1, 2, 8)
    ]
    for other in runs[1:]:
        for name, f in runs[0].fits.items():
            np.testing.assert_array_equal(
                [f.p_ks, f.p_ad], [other.fits[name].p_ks, other.fits[name].p_ad]
            )
        assert other.power_law.p_value == runs[0].power_law.p_value
        np.testing.assert_array_equal(other.burstiness.fano_band, runs[0].burstiness.fano_band)
    values = np.random.default_rng(6).pareto(1.2, 2000) + 1
    p = [tl.fit_powerlaw(values, replicates=30, seed=3, threads=n).p_value for n in (1, 2, 8)]
    assert p[0] == p[1] == p[2]


def test_monte_carlo_p_values_use_k_plus_one_over_b_plus_one() -> None:
    x = np.random.default_rng(8).lognormal(0.0, 1.5, 500)
    fit = fit_distribution(x, "exponential", gof_replicates=49)
    assert fit.p_ks == pytest.approx(1 / 50) and fit.gof_replicates == 49
    assert "re-estimates" in fit.null


def test_result_objects_render(gamma_result: tl.InterarrivalResult) -> None:
    import matplotlib

    matplotlib.use("Agg")
    frame = gamma_result.to_pandas()
    assert next(iter(frame.index)) == gamma_result.best_model
    assert {"aic", "bic", "delta_aic", "akaike_weight", "p_ks"} <= set(frame.columns)
    assert "lowest AIC" in gamma_result.evidence
    assert len(gamma_result.comparisons_frame()) == 15
    for obj in (
        gamma_result,
        gamma_result.power_law,
        gamma_result.burstiness,
        gamma_result.fits["gamma"],
    ):
        assert obj.plot() is not None
        assert "<table>" in obj._repr_html_()
        obj.to_pandas()
    with pytest.raises(AttributeError):
        gamma_result.best_model = "x"  # type: ignore[misc]


def _clauset(name: str, scale: float) -> np.ndarray:
    return np.loadtxt(shared_file(f"powerlaw-clauset-reference/{name}.txt")) * scale


@pytest.mark.parametrize(
    ("name", "scale", "discrete", "xmin", "alpha", "n_tail", "p", "replicates"),
    [
        ("words", 1.0, True, 7, 1.95, 2958, 0.49, 400),
        ("flares", 1.0, False, 323, 1.79, 1711, 1.00, 200),
        ("cities", 1e-3, False, 52.46, 2.37, 580, 0.76, 300),
        ("quakes", 1e-3, False, 0.794, 1.64, 11697, 0.00, 50),
    ],
)
def test_clauset_table_6_1(name, scale, discrete, xmin, alpha, n_tail, p, replicates) -> None:
    fit = tl.fit_powerlaw(
        _clauset(name, scale),
        discrete=discrete,
        convention="plfit",
        replicates=replicates,
        compare=False,
        seed=2009,
    )
    assert fit.xmin == pytest.approx(xmin, rel=5e-4)
    assert round(fit.alpha, 2) == pytest.approx(alpha, abs=0.005)
    assert fit.n_tail == n_tail
    se = np.sqrt(max(p * (1 - p), 0.01) / replicates)  # Monte-Carlo error of the p-value
    assert abs(fit.p_value - p) <= 3.5 * se + 0.01


def test_clauset_likelihood_ratios_match_table_6_2() -> None:
    # Clauset et al. Table 6.2 as encoded in the powerlaw package's tests: normalised R and p.
    fit = tl.fit_powerlaw(_clauset("flares", 1.0), replicates=0)
    lognormal = next(c for c in fit.comparisons if c.second == "lognormal")
    assert lognormal.statistic == pytest.approx(-0.803, abs=0.01)
    assert lognormal.p_value == pytest.approx(0.42, abs=0.01)
    cutoff = next(c for c in fit.comparisons if c.second == "power_law_cutoff")
    assert cutoff.nested and cutoff.log_likelihood_ratio == pytest.approx(-4.52, abs=0.01)
    blackouts = tl.fit_powerlaw(_clauset("blackouts", 1e-3), replicates=0)
    expo = next(c for c in blackouts.comparisons if c.second == "exponential")
    assert (expo.statistic, expo.p_value) == pytest.approx((1.43, 0.15), abs=0.01)
