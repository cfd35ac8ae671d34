"""Simulators reproduce their ground truth; the bundled sample regenerates byte for byte."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tealeaves import datasets
from tealeaves.datasets import simulate


def test_bundled_sample_regenerates_identically(tmp_path: Path) -> None:
    target = tmp_path / "sample.log"
    simulate.write_zeek_dns_log(
        simulate.sample_log_rows(), target, malformed=simulate.SAMPLE_MALFORMED
    )
    assert target.read_bytes() == datasets.sample_path().read_bytes()


def test_unknown_sample_names_the_argument() -> None:
    with pytest.raises(ValueError, match=r"^name: no bundled sample"):
        datasets.sample_path("nope.log")


def test_beacon_has_its_period_and_jitter() -> None:
    t = datasets.beacon_times(300.0, 0.0, 300.0 * 1000, jitter=2.0, phase=100.0, seed=1)
    gaps = np.diff(t)
    assert np.median(gaps) == pytest.approx(300.0, abs=0.5)
    # Gap jitter of a jittered beacon is sqrt(2) times the beat jitter.
    assert np.std(gaps) == pytest.approx(2.0 * np.sqrt(2), rel=0.1)


def test_poisson_count_and_exponential_gaps() -> None:
    t = datasets.poisson_times(0.01, 0.0, 1e6, seed=2)
    assert abs(len(t) - 10_000) < 4 * 100  # 4 sigma
    assert np.mean(np.diff(t)) == pytest.approx(100.0, rel=0.05)


def test_cache_expiry_never_goes_below_the_ttl() -> None:
    t = datasets.cache_expiry_times(600.0, 1 / 60, 0.0, 1e6, seed=3)
    gaps = np.diff(t)
    assert gaps.min() >= 600.0
    assert np.mean(gaps) == pytest.approx(660.0, rel=0.05)


def test_person_works_weekdays_in_local_office_hours() -> None:
    start = 1467590400.0  # Monday 2016-07-04 00:00 UTC
    t = datasets.human_times(start, start + 14 * 86400, utc_offset_hours=3.0, seed=4)
    local_hour = ((t + 3 * 3600) % 86400) / 3600
    weekday = ((np.floor((t + 3 * 3600) / 86400) + 3) % 7).astype(int)  # 0 = Monday
    assert len(t) > 200
    assert (weekday < 5).all()
    assert (local_hour >= 9).all() and np.quantile(local_hour, 0.9) < 19


def test_same_seed_same_times() -> None:
    a = datasets.human_times(0.0, 7 * 86400, seed=11)
    b = datasets.human_times(0.0, 7 * 86400, seed=11)
    np.testing.assert_array_equal(a, b)
