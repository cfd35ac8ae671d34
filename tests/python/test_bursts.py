"""Bursts, outages and change points: astropy's Bayesian Blocks, slow references for PELT and
Kleinberg, calibration under the Poisson null, planted signals and the Simda DGA capture."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from conftest import shared_file
from scipy import stats

import tealeaves
from tealeaves import _core
from tealeaves.bursts import (
    bayesian_blocks,
    bursts,
    change_points,
    first_lookup,
    outages,
)

astropy_stats = pytest.importorskip("astropy.stats")


def _seeded_inputs():
    for seed in range(6):
        rng = np.random.default_rng(seed)
        t = np.concatenate([rng.uniform(0, 100, 150), rng.uniform(30 + seed, 42 + seed, 80)])
        if seed % 2:
            t = np.round(t, 1)  # many tied times
        if seed == 4:
            t = t + 1.7e9  # epoch seconds
        yield seed, rng.permutation(t)


@pytest.mark.parametrize(("seed", "t"), list(_seeded_inputs()))
def test_bayesian_blocks_equal_astropy(seed, t):
    for p0 in (0.05, 0.01, 0.3):
        ours = bayesian_blocks(t, p0=p0)
        theirs = astropy_stats.bayesian_blocks(t, fitness="events", p0=p0)
        assert ours.method == "p0"
        assert len(ours.edges) == len(theirs), (seed, p0)
        # 1e-9 s, or 1e-9 relative at epoch seconds (the times themselves resolve ~2e-7 s).
        np.testing.assert_allclose(ours.edges, theirs, rtol=1e-15, atol=1e-9)
    for ncp in (1.0, 3.0, 8.0):
        ours = bayesian_blocks(t, ncp_prior=ncp)
        theirs = astropy_stats.bayesian_blocks(t, fitness="events", ncp_prior=ncp)
        assert ours.method == "given"
        np.testing.assert_allclose(ours.edges, theirs, rtol=1e-15, atol=1e-9)
    # Counts add up and every rate lies in its exact interval.
    assert ours.counts.sum() == len(t)
    assert np.all((ours.rate_low <= ours.rates) & (ours.rates <= ours.rate_high))


def test_block_rate_interval_is_garwood():
    t = np.sort(np.random.default_rng(1).uniform(0, 50, 40))
    bb = bayesian_blocks(t, ncp_prior=100.0)  # one block
    assert bb.n_blocks == 1
    width = t[-1] - t[0]
    assert bb.rate_low[0] == pytest.approx(stats.chi2.ppf(0.025, 80) / 2 / width, rel=1e-9)
    assert bb.rate_high[0] == pytest.approx(stats.chi2.ppf(0.975, 82) / 2 / width, rel=1e-9)


def test_calibrated_prior_false_positive_rate():
    n = 50
    calibrated = bayesian_blocks(
        np.sort(np.random.default_rng(0).uniform(0, 1, n)),
        calibrate=True,
        n_calibration=600,
        seed=3,
    )
    assert calibrated.method == "calibrated"
    assert calibrated.calibration_rate == pytest.approx(0.05)
    rng = np.random.default_rng(2024)
    false_blocks = sum(
        bayesian_blocks(np.sort(rng.uniform(0, 500, n)), ncp_prior=calibrated.ncp_prior).n_blocks
        > 1
        for _ in range(600)
    )
    measured = false_blocks / 600
    print(f"calibrated ncp_prior {calibrated.ncp_prior:.4f}, measured rate {measured:.4f}")
    assert 0.03 <= measured <= 0.07
    # Same prior on 1 and 2 threads.
    t = np.sort(np.random.default_rng(5).uniform(0, 1, 80))
    one = bayesian_blocks(t, calibrate=True, n_calibration=100, seed=9, threads=1)
    two = bayesian_blocks(t, calibrate=True, n_calibration=100, seed=9, threads=2)
    assert one.ncp_prior == two.ncp_prior


def test_calibrated_blocks_find_planted_rate_change():
    rng = np.random.default_rng(11)
    slow = np.cumsum(rng.exponential(2.0, 200))
    slow = slow[slow < 300]
    fast = 300 + np.cumsum(rng.exponential(0.5, 400))
    t = np.concatenate([slow, fast[fast < 500]])
    bb = bayesian_blocks(t, calibrate=True)
    assert bb.n_blocks >= 2
    assert np.min(np.abs(bb.edges - 300.0)) < 10.0  # 5 expected gaps of the slow side
    assert bb.rates[0] == pytest.approx(0.5, rel=0.25)
    assert bb.rates[-1] == pytest.approx(2.0, rel=0.25)


def _slow_partitioning(counts, exposure, beta, min_size):
    m = len(counts)

    def cost(a, b):
        n, e = counts[a:b].sum(), exposure[a:b].sum()
        return 0.0 if n == 0 else -2.0 * (n * np.log(n / e) - n)

    f = [0.0] + [np.inf] * m
    last = [0] * (m + 1)
    for t in range(min_size, m + 1):
        for tau in range(0, t - min_size + 1):
            if np.isfinite(f[tau]) and f[tau] + cost(tau, t) + beta < f[t]:
                f[t], last[t] = f[tau] + cost(tau, t) + beta, tau
    starts, t = [], m
    while t > 0:
        if last[t] > 0:
            starts.insert(0, last[t])
        t = last[t]
    return starts, f[m] - beta


@pytest.mark.parametrize("seed", range(6))
def test_pelt_equals_optimal_partitioning(seed):
    rng = np.random.default_rng(seed)
    means = np.repeat(rng.uniform(0.5, 8.0, 5), 8)
    counts = rng.poisson(means).astype(float)
    exposure = np.where(np.arange(len(counts)) % 7 == 3, 0.5, 1.0)
    for min_size in (1, 3):
        for beta in (1.0, 2 * np.log(len(counts)), 20.0):
            fast = _core.bursts.pelt_poisson(counts, exposure, penalty=beta, min_size=min_size)
            starts, cost = _slow_partitioning(counts, exposure, beta, min_size)
            assert list(fast["starts"]) == starts
            assert fast["cost"] == pytest.approx(cost, rel=1e-10, abs=1e-10)


def test_change_points_find_planted_change():
    rng = np.random.default_rng(4)
    t = np.concatenate([rng.uniform(0, 600, 300), rng.uniform(600, 900, 900)])
    series = tealeaves.EventSeries(t, sort=True, start=0.0, end=900.0)
    cp = change_points(series, bin_width=10.0)
    assert cp.n_bins == 90
    assert 600.0 in cp.change_points  # bins are aligned to the window start
    assert len(cp.change_points) <= 2  # BIC may add one fluctuation; the step is always there
    assert cp.rate[-1] == pytest.approx(3.0, rel=0.1)
    assert cp.count.sum() == 1200
    assert cp.penalty_name == "bic"
    assert change_points(t, bin_width=10.0, penalty=1e6).change_points.size == 0
    json.dumps(cp.to_dict())


def _slow_viterbi(gaps, s, gamma, levels):
    n = len(gaps)
    alpha = s ** np.arange(levels) * n / gaps.sum()
    up = gamma * np.log(n)
    cost = {(): 0.0}
    best = {0: (0.0, [])}  # state -> (cost, path) of the best path ending there
    for x in gaps:
        new = {}
        for j in range(levels):
            cands = [
                (c + max(j - i, 0) * up + alpha[j] * x - np.log(alpha[j]), [*path, j])
                for i, (c, path) in best.items()
            ]
            new[j] = min(cands, key=lambda v: v[0])
        best = new
    del cost
    return min(best.values(), key=lambda v: v[0])


def test_kleinberg_equals_slow_viterbi_and_finds_planted_burst():
    rng = np.random.default_rng(7)
    background = np.cumsum(rng.exponential(10.0, 150))
    burst = 700 + np.cumsum(rng.exponential(0.2, 120))
    t = np.sort(np.concatenate([background, burst]))
    for levels in (2, 3):
        b = bursts(t, s=2.0, gamma=1.0, levels=levels)
        cost, path = _slow_viterbi(np.diff(t), 2.0, 1.0, levels)
        assert b.states.tolist() == path
        assert b.cost == pytest.approx(cost, rel=1e-12)
    top = b.to_pandas().sort_values("n_events").iloc[-1]
    # Within one background gap (10 s expected) of the planted burst's ends.
    assert top["start"] == pytest.approx(burst[0], abs=10.0)
    assert top["end"] == pytest.approx(burst[-1], abs=10.0)
    assert top["n_events"] >= 115
    json.dumps(b.to_dict())


def test_outage_pvalues_uniform_under_poisson():
    p = []
    rng = np.random.default_rng(0)
    for _ in range(15):
        t = np.cumsum(rng.exponential(1.0, 250))
        p.append(outages(t, edges=False).table["p_value"])
    p = np.concatenate(p)
    ks = stats.kstest(p, "uniform")
    print(f"outage p-values: n={p.size}, KS D={ks.statistic:.4f}, p={ks.pvalue:.3f}")
    assert ks.pvalue > 0.01
    assert np.mean(p < 0.05) == pytest.approx(0.05, abs=0.015)


def test_planted_silence_found_with_small_adjusted_p():
    rng = np.random.default_rng(5)
    t = np.cumsum(rng.exponential(1.0, 900))
    t = t[(t < 300) | (t > 345)]
    out = outages(t, alpha=0.01)
    frame = out.to_pandas(only_significant=True)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["start"] < 300 < 345 < row["end"]
    assert row["p_sidak"] < 1e-8
    assert row["p_bonferroni"] >= row["p_sidak"]
    assert out.n_examined == len(out.table["p_value"])
    assert "Poisson" in out.null
    json.dumps(out.to_dict())


def test_both_sides_ignores_gaps_beside_a_burst():
    rng = np.random.default_rng(1)
    t = np.sort(np.concatenate([rng.uniform(0, 400, 200), rng.uniform(160, 180, 120)]))
    t = t[(t < 280) | (t > 330)]  # a planted 50 s silence (expected gap 2 s)
    pooled = outages(t).to_pandas(only_significant=True)
    both = outages(t, both_sides=True).to_pandas(only_significant=True)
    # The planted silence is found either way; the pooled rule also flags ordinary gaps next
    # to the burst (its context rate includes the burst), the both-sides rule does not.
    for frame in (pooled, both):
        assert ((frame["start"] < 280) & (frame["end"] > 330)).any()
    assert len(both) == 1
    assert len(pooled) >= len(both)
    # Conservative under the Poisson null: at most a fraction 0.05 of p-values below 0.05.
    null = np.cumsum(rng.exponential(1.0, 2000))
    assert np.mean(outages(null, both_sides=True, edges=False).table["p_value"] < 0.05) <= 0.05


def test_first_lookup_matches_exponential():
    r = first_lookup([130.0, 150.0], reference=100.0, rate=0.01)
    assert r.delay == 30.0
    assert r.p_early == pytest.approx(stats.expon.cdf(30.0, scale=100.0), rel=1e-12)
    assert r.p_late == pytest.approx(stats.expon.sf(30.0, scale=100.0), rel=1e-12)
    assert r.p_value == r.p_two_sided == pytest.approx(2 * r.p_early)
    base = first_lookup(
        [130.0], reference=100.0, baseline=np.linspace(0, 1000, 11), alternative="late"
    )
    assert base.rate == pytest.approx(11 / 1000)
    assert base.p_value == pytest.approx(np.exp(-0.011 * 30))
    stamp = first_lookup(
        np.array(["2024-01-01T00:01:00"], dtype="datetime64[ns]"),
        reference=np.datetime64("2024-01-01T00:00:00"),
        rate=1 / 60,
    )
    assert stamp.delay == pytest.approx(60.0)
    json.dumps(stamp.to_dict())


def test_simda_dga_burst_found():
    path = shared_file("ctu-botnet-355-1-simda-dns/dns.log")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the capture has 12 malformed lines (see SOURCE.md)
        frame = tealeaves.read_log(path)
    host = frame[frame["client"] == "192.168.1.116"]
    series = tealeaves.EventSeries(
        host["ts"].to_numpy(), sort=True, start=frame["ts"].min(), end=frame["ts"].max()
    )
    overall = series.total_count / series.exposure
    kb = bursts(series).to_pandas()
    # The DGA runs in rapid bursts of ~100 lookups (181.8 s, 250.5 s, 336.5 s into the capture).
    big = kb[kb["n_events"] >= 90]
    assert len(big) >= 3
    assert (big["rate"] > 10 * overall).all()
    assert any(abs(s - 181.8) < 1.0 for s in big["start"])
    bb = bayesian_blocks(series, calibrate=True)
    assert bb.rates.max() > 100 * overall
    busy = bb.to_pandas().query("rate > 50")
    assert busy["count"].sum() > 0.8 * series.total_count
    assert np.min(np.abs(bb.edges - 181.84)) < 0.1


def test_bad_input_names_the_argument():
    t = np.arange(10.0)
    with pytest.raises(ValueError, match="times_or_series"):
        bayesian_blocks([])
    with pytest.raises(ValueError, match="times_or_series"):
        bursts(np.array([]))
    for p0 in (0.0, 1.0, -0.5, 2.0):
        with pytest.raises(ValueError, match="p0"):
            bayesian_blocks(t, p0=p0)
    with pytest.raises(ValueError, match="bin_width"):
        change_points(t, bin_width=-1.0)
    with pytest.raises(ValueError, match="penalty"):
        change_points(t, penalty="mbic")
    with pytest.raises(ValueError, match="alpha"):
        outages(t, alpha=1.5)
    with pytest.raises(ValueError, match="levels"):
        bursts(t, levels=1)
    with pytest.raises(ValueError, match="s"):
        bursts(t, s=0.5)
    with pytest.raises(ValueError, match="rate"):
        first_lookup(t, reference=0.0)
    with pytest.raises(ValueError, match="first"):
        first_lookup(t, reference=5.0, rate=1.0)


def test_results_render_and_plot():
    import matplotlib

    matplotlib.use("Agg")
    rng = np.random.default_rng(1)
    t = np.sort(np.concatenate([rng.uniform(0, 200, 100), rng.uniform(80, 90, 60)]))
    for result in (bayesian_blocks(t), bursts(t), change_points(t), outages(t)):
        assert "<table>" in result._repr_html_()
        assert len(result.to_pandas()) >= 1
        json.dumps(result.to_dict())
        assert result.plot() is not None
    assert "<table>" in first_lookup(t, reference=-5.0, rate=1.0)._repr_html_()
