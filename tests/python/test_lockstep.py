"""Lockstep of two lookup series: shares, lags, calibration of the local-rotation null."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tealeaves as tl
from tealeaves.datasets import simulate

DAY = 86_400.0
START = 1467590400.0  # Monday 2016-07-04 00:00 UTC


def _naive_lockstep(a, b, tol):
    """O(n m): shares of a and of b with a partner within +-tol, and the nearest lags."""
    d = b[None, :] - a[:, None]
    hit = np.abs(d) <= tol
    nearest = d[np.arange(a.size), np.argmin(np.abs(d), axis=1)]
    return hit.any(1).mean(), hit.any(0).mean(), nearest[hit.any(1)]


def _sessions(rng, start, days, per_day=20.0, size=5.0, gap=5.0):
    """Bursty stationary lookups: Poisson session starts, 1 + Poisson(size - 1) lookups per
    session with Exp(gap) gaps."""
    n = rng.poisson(per_day * days)
    bursts = [
        s + np.cumsum(rng.exponential(gap, 1 + rng.poisson(size - 1)))
        for s in rng.uniform(0, days * DAY, n)
    ]
    t = np.sort(np.concatenate(bursts))
    return start + t[t < days * DAY]


def test_lockstep_finds_a_jittered_copy_with_a_fifth_dropped() -> None:
    from tealeaves.lockstep import Lockstep, lockstep

    rng = np.random.default_rng(11)
    a = _sessions(rng, START, 14.0, per_day=30.0, gap=120.0)  # few chance partners
    keep = rng.random(a.size) >= 0.2
    b = np.sort(a[keep] + rng.uniform(0.0, 1.0, keep.sum()))
    window = {"start": START, "end": START + 15 * DAY}  # b's last lookup may follow a's
    sa, sb = tl.EventSeries(a, **window), tl.EventSeries(b, **window)
    r = lockstep(sa, sb, n_surrogates=199, seed=3)
    assert isinstance(r, Lockstep) and r.n_a == a.size and r.n_b == b.size
    assert r.n_b_outside == 0
    # Every b has its a within 1 s; 80 % of a kept a b (plus chance partners in bursts).
    assert r.fraction_b == 1.0
    assert r.fraction_a == pytest.approx(0.8, abs=0.03)
    assert 0.3 < r.median_lag_s < 0.7  # b - a ~ uniform(0, 1): median 0.5
    assert r.p_value == r.p_a == r.p_b == pytest.approx(1 / 200)  # the Monte-Carlo floor
    # Shares and lags equal the O(n m) reference; the engine's coincidence agrees.
    fa, fb, lags = _naive_lockstep(a, b, 2.0)
    assert (r.fraction_a, r.fraction_b) == (fa, fb)
    assert r.median_lag_s == pytest.approx(np.median(lags), abs=1e-6)
    assert r.to_pandas()["lag_s"].to_numpy() == pytest.approx(lags, abs=1e-6)
    any_shift = lockstep(sa, sb, max_shift=None, n_surrogates=199, seed=3)
    assert (any_shift.k_a, any_shift.k_b) == (r.k_a, r.k_b)
    assert any_shift.p_value == pytest.approx(1 / 200) and "any amount" in any_shift.null
    # Plain JSON, the null named, and the same answer from datetime64 input.
    doc = json.loads(json.dumps(r.to_dict()))
    assert doc["fraction_a"] == r.fraction_a and "Westfall-Young" in doc["null"]
    assert "2 tests" in r.null and "Lockstep" in r._repr_html_()
    # Plain arrays (a's window from its first to last lookup: b's last lookup, after it, is
    # left out and counted) and datetime64 give the same answer.
    plain = lockstep(a, b, n_surrogates=199, seed=3)
    assert plain.n_b_outside == 1 and plain.k_a == r.k_a - 1  # the last a lost its partner
    as_dates = lockstep(
        (a * 1e9).astype("datetime64[ns]"),
        (b * 1e9).astype("datetime64[ns]"),
        n_surrogates=199,
        seed=3,
    )
    assert (as_dates.k_a, as_dates.k_b, as_dates.p_value) == (plain.k_a, plain.k_b, plain.p_value)
    assert as_dates.fraction_a == plain.fraction_a
    assert lockstep(sa, sb, n_surrogates=199, seed=3).p_value == r.p_value  # deterministic
    pytest.importorskip("matplotlib")
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    ax = r.plot()
    assert sum(p.get_height() for p in ax.patches) == r.k_a  # every matched lag in the histogram
    plt.close(ax.figure)


def test_lockstep_is_calibrated_for_independent_bursty_series() -> None:
    """300 independent pairs x 99 surrogates, 5 % level. Stationary sessions (a few chance
    coincidences each): the default null (|shift| <= 600 s) and any rotation both hold their
    size (conservative: ties count against the observation). Office-hours pairs share a
    weekday rhythm: far rotations over-reject, the short shifts do not."""
    from tealeaves.lockstep import lockstep

    n = 300
    rates = {"sessions": 0, "sessions_any": 0, "office": 0, "office_any": 0}
    for i in range(n):
        rng = np.random.default_rng(40_000 + i)
        a, b = _sessions(rng, START, 7.0), _sessions(rng, START, 7.0)
        sa = tl.EventSeries(a, start=START, end=START + 7 * DAY)
        sb = tl.EventSeries(b, start=START, end=START + 7 * DAY)
        rates["sessions"] += lockstep(sa, sb, n_surrogates=99, seed=i).p_value <= 0.05
        rates["sessions_any"] += (
            lockstep(sa, sb, max_shift=None, n_surrogates=99, seed=i, threads=1).p_value <= 0.05
        )
        end = START + 14 * DAY
        oa = simulate.human_times(START, end, seed=int(rng.integers(1 << 31)))
        ob = simulate.human_times(START, end, seed=int(rng.integers(1 << 31)))
        oa, ob = tl.EventSeries(oa, start=START, end=end), tl.EventSeries(ob, start=START, end=end)
        rates["office"] += lockstep(oa, ob, n_surrogates=99, seed=i).p_value <= 0.05
        rates["office_any"] += (
            lockstep(oa, ob, max_shift=None, n_surrogates=99, seed=i, threads=1).p_value <= 0.05
        )
    rates = {k: v / n for k, v in rates.items()}
    print(f"\nlockstep rejection at 5 % over {n} independent pairs: {rates}")
    # Binomial sd at 5 % over 300 pairs: 1.3 %; conservative ties may push a rate lower.
    for key in ("sessions", "sessions_any", "office"):
        assert 0.01 <= rates[key] <= 0.08, key
    assert rates["office_any"] > 0.2  # a shared clock rhythm is not lockstep


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"tolerance": 0.0}, "tolerance"),
        ({"tolerance": float("nan")}, "tolerance"),
        ({"tolerance": -1.0}, "tolerance"),
        ({"max_shift": 3.0}, "max_shift"),
        ({"max_shift": -600.0}, "max_shift"),
        ({"n_surrogates": 0}, "n_surrogates"),
        ({"seed": -1}, "seed"),
        ({"threads": -2}, "threads"),
        ({"shift_step": -1.0, "max_shift": None}, "shift_step"),
        ({"shift_step": 86400.0}, "shift_step"),
    ],
)
def test_lockstep_bad_arguments_name_themselves(kwargs, name) -> None:
    from tealeaves.lockstep import lockstep

    a = START + np.arange(50) * 60.0
    with pytest.raises(ValueError, match=name):
        lockstep(a, a + 0.5, **kwargs)


def test_lockstep_refuses_empty_series_and_wrong_types() -> None:
    from tealeaves.lockstep import lockstep

    a = START + np.arange(50) * 60.0
    with pytest.raises(ValueError, match="b:"):
        lockstep(a, tl.EventSeries(np.empty(0), start=START, end=START + DAY))
    with pytest.raises(TypeError, match="tolerance"):
        lockstep(a, a, tolerance="2 s")
    with pytest.raises(TypeError, match="n_surrogates"):
        lockstep(a, a, n_surrogates=9.5)
