"""The synthetic 2016 reconstruction: byte-identical regeneration, every published fact it claims,
and what the engine finds in it (hourly Spectrum; hourly Alfa only after 24 July)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import shared_file

import tealeaves
from tealeaves.datasets import alfa2016
from tealeaves.datasets.alfa2016 import generate as gen

FACTS_DIR = "alfa-bank-trump-email-dns-facts"
DAY = 86400.0
HOUR_BAND = (3600.0 * 0.95, 3600.0 * 1.05)  # "near 3600 s": within 5%
ALFA = (gen.ALFA_A, gen.ALFA_B, gen.ALFA_MINOR)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return alfa2016.load()


@pytest.fixture(scope="module")
def mail1(log: pd.DataFrame) -> pd.DataFrame:
    return log[log["qname"] == gen.QNAME]


def _times(frame: pd.DataFrame, client: str) -> np.ndarray:
    return np.sort(frame.loc[frame["client"] == client, "ts"].to_numpy(dtype=float))


def _day(text: str) -> float:
    return gen.utc(text)


# ---- the shipped file -------------------------------------------------------------------------


def test_shipped_file_regenerates_byte_for_byte(tmp_path: Path) -> None:
    shipped = alfa2016.path().read_bytes()
    assert gen.render().encode("utf-8") == shipped
    assert len(shipped) < 400_000  # small enough to ship
    script = Path(gen.__file__).resolve()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for i, command in enumerate(
        (
            [sys.executable, str(script)],
            [sys.executable, "-m", "tealeaves.datasets.alfa2016.generate"],
        )
    ):
        target = tmp_path / f"out{i}.log"
        subprocess.run([*command, str(target)], check=True, capture_output=True, env=env)
        assert target.read_bytes() == shipped


def test_another_seed_gives_another_file_with_the_same_facts() -> None:
    rows = gen.rows(seed=7)
    assert [r[0] for r in rows] != [r[0] for r in gen.rows()]
    clients = pd.Series([r[1] for r in rows if r[2] == gen.QNAME]).value_counts()
    assert clients[gen.SPECTRUM] == 714
    assert sum(clients[c] for c in ALFA) == 2820


def test_read_log_accounts_for_every_line(log: pd.DataFrame) -> None:
    lines = alfa2016.path().read_text(encoding="utf-8").splitlines()
    ingest = log.attrs["ingest"]
    assert ingest["lines_read"] == len(lines) == 3580
    assert ingest["lines_rejected"] == 0 and ingest["rejected"] == []
    assert ingest["lines_meta"] == gen.HEADER_LINES + gen.FOOTER_LINES == 9
    assert ingest["lines_used"] == len(log) == len(gen.rows()) == 3571
    assert ingest["lines_read"] == ingest["lines_used"] + ingest["lines_meta"]
    assert lines[5].startswith("#synthetic\tSYNTHETIC reconstruction")
    assert set(log["qtype"].astype(str)) == {"A"} and log["ttl"].isna().all()


# ---- published facts --------------------------------------------------------------------------


def test_counts_per_source(mail1: pd.DataFrame) -> None:
    counts = mail1["client"].astype(str).value_counts()
    alfa = sum(int(counts[c]) for c in ALFA)
    assert alfa == 2820
    assert counts[gen.SPECTRUM] == 714
    assert (counts[gen.ALFA_A], counts[gen.ALFA_B], counts[gen.ALFA_MINOR]) == (1412, 1400, 8)
    total = len(mail1)
    assert total == 3570
    assert round((alfa + 714) / total, 2) == 0.99  # "together 99%"
    assert 0.78 < alfa / total < 0.80  # "~80%" (cannot be exactly 80% together with 99%)
    others = set(counts.index) - {*ALFA, gen.SPECTRUM}
    assert all(c.startswith(("192.0.2.", "198.51.100.", "203.0.113.")) for c in others)


def test_date_range_and_the_23_september_stop(mail1: pd.DataFrame) -> None:
    ts = mail1["ts"].to_numpy()
    assert _day("2016-05-04") <= ts.min() < _day("2016-05-05")
    assert _day("2016-09-23") <= ts.max() < _day("2016-09-24")
    runon = gen.utc("2016-09-23T13:56:29")
    assert runon < ts.max() <= runon + 90.0  # traffic stopped ~90 s after the run-on query
    last = mail1.loc[mail1["ts"] == ts.max(), "client"].astype(str).iloc[0]
    assert last in ALFA
    for client in (gen.SPECTRUM, gen.ALFA_A, gen.ALFA_B):  # every main source active to the end
        assert _times(mail1, client).max() > _day("2016-09-22")


def test_july_silence(log: pd.DataFrame) -> None:
    ts = log["ts"].to_numpy()
    assert not ((ts >= _day("2016-07-23")) & (ts < _day("2016-07-25"))).any()
    for client in (gen.SPECTRUM, gen.ALFA_A, gen.ALFA_B):  # a silence, not the ends of the data
        t = _times(log, client)
        assert ((t >= _day("2016-07-16")) & (t < _day("2016-07-23"))).any()
        assert ((t >= _day("2016-07-25")) & (t < _day("2016-08-01"))).any()


def test_new_name_first_looked_up_by_alfa_on_27_september(log: pd.DataFrame) -> None:
    new = log[log["qname"] == gen.NEW_QNAME]
    assert len(new) == 1
    row = new.iloc[0]
    assert str(row["client"]) in ALFA
    assert _day("2016-09-27") <= row["ts"] < _day("2016-09-28")
    assert row["ts"] > log.loc[log["qname"] == gen.QNAME, "ts"].max()


def test_two_alfa_resolvers_in_lockstep(mail1: pd.DataFrame) -> None:
    a, b, s = (_times(mail1, c) for c in (gen.ALFA_A, gen.ALFA_B, gen.SPECTRUM))

    def nearest(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        i = np.clip(np.searchsorted(y, x), 1, len(y) - 1)
        return np.minimum(np.abs(x - y[i - 1]), np.abs(x - y[i]))

    paired = nearest(a, b) <= gen.LOCKSTEP_S
    assert paired.mean() == pytest.approx(1300 / 1412, abs=0.01)  # 1300 shared lookups
    assert np.median(nearest(a, b)) < 1.0
    assert (nearest(s, a) <= gen.LOCKSTEP_S).mean() < 0.02  # Spectrum is not in step with Alfa
    # Co-phased: the daily counts of A and B move together, and the binned cross-correlation
    # of the two series peaks at lag 0 (10 s bins, lags up to an hour).
    edges = np.arange(gen.START, gen.END + 10.0, 10.0)
    ca, cb = (np.histogram(x, edges)[0].astype(float) for x in (a, b))
    ca -= ca.mean()
    cb -= cb.mean()
    n = 1 << int(np.ceil(np.log2(2 * len(ca))))
    full = np.fft.irfft(np.fft.rfft(ca, n) * np.conj(np.fft.rfft(cb, n)), n)
    lags = np.arange(-360, 361)
    xc = full[lags % n]  # xc[k] = sum_i ca[i + k] cb[i]
    assert lags[int(np.argmax(xc))] == 0
    days = np.arange(gen.START, gen.END + DAY, DAY)
    da, db = np.histogram(a, days)[0], np.histogram(b, days)[0]
    assert np.corrcoef(da, db)[0, 1] > 0.95


def test_components_follow_the_published_timeline() -> None:
    truth = alfa2016.truth()
    ts, comp = truth["ts"].to_numpy(), truth["component"].to_numpy()
    hourly, aperiodic = ts[comp == "alfa-hourly"], ts[comp == "alfa-aperiodic"]
    assert hourly.min() >= _day("2016-07-25")  # hourly Alfa only after 24-25 July
    assert hourly.min() < _day("2016-07-26")
    assert (ts[comp == "spectrum-hourly"] < _day("2016-05-20")).any()  # Spectrum from the start
    onset = _day("2016-07-25")
    in_gap = np.zeros(len(ts), bool)
    for a, b in (("2016-08-09", "2016-08-18"), ("2016-09-13", "2016-09-21")):
        in_gap |= (ts >= _day(a)) & (ts < _day(b))
    assert not (in_gap & (comp == "alfa-aperiodic")).any()  # the two aperiodic gaps
    gap_days = 9.0 + 8.0  # 9-17 Aug and 13-20 Sep, whole days
    other_days = (gen.END - onset) / DAY - gap_days
    late = ts >= onset

    def rate(mask: np.ndarray) -> tuple[float, float]:
        return (mask & in_gap).sum() / gap_days, (mask & late & ~in_gap).sum() / other_days

    hourly_gap, hourly_out = rate(comp == "alfa-hourly")
    total_gap, total_out = rate(np.isin(comp, ["alfa-hourly", "alfa-aperiodic"]))
    assert hourly_gap > 1.3 * hourly_out  # periodic rises when aperiodic falls ...
    assert 0.8 < total_gap / total_out < 1.25  # ... keeping the total nearly constant
    before = ((aperiodic >= _day("2016-05-24")) & (aperiodic < _day("2016-06-23"))).sum()
    after = ((aperiodic >= _day("2016-06-23")) & (aperiodic < _day("2016-07-23"))).sum()
    assert after > 1.8 * before  # the ~23 June rise of non-periodic Alfa activity
    assert len(truth) == len(gen.rows())


def test_facts_and_assumptions_are_documented() -> None:
    keys = [k for k, _, _ in alfa2016.FACTS]
    assert len(keys) == len(set(keys)) >= 15
    assert all("http" in source or ".md" in source for _, _, source in alfa2016.FACTS)
    assert all(why for _, _, why in alfa2016.ASSUMPTIONS)
    readme = (alfa2016.path().parent / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme
    for key in keys + [k for k, _, _ in alfa2016.ASSUMPTIONS]:
        assert f"`{key}`" in readme, key


def test_constants_match_the_shared_published_aggregates() -> None:
    path = shared_file(f"{FACTS_DIR}/published_aggregates.csv")
    with path.open(encoding="utf-8") as handle:
        table = {row["item"]: row for row in csv.DictReader(handle)}
    facts = {item: row["value"] for item, row in table.items()}
    assert int(facts["lookups_by_alfa_bank"]) == gen.N_ALFA
    assert int(facts["lookups_by_spectrum_health"]) == gen.N_SPECTRUM
    assert float(facts["share_alfa_plus_spectrum"]) == 0.99
    assert facts["resolver_alfa_a"] == gen.ALFA_A
    assert facts["resolver_alfa_b"] == gen.ALFA_B
    assert facts["resolver_alfa_minor"] == gen.ALFA_MINOR
    assert facts["resolver_spectrum"] == gen.SPECTRUM
    assert facts["activity_gap"] == "2016-07-23..2016-07-24"
    assert facts["aperiodic_gap_1"] == "2016-08-09..2016-08-17"
    assert facts["aperiodic_gap_2"] == "2016-09-13..2016-09-20"
    assert facts["aperiodic_rise"] == "2016-06-23"
    assert float(facts["periodic_cycle"]) == gen.PERIOD
    assert gen.utc(facts["alfa_intranet_runon_query"].rstrip("Z")) == gen.RUNON_QUERY
    assert facts["new_hostname_created"].startswith("2016-09-27")
    assert table["new_hostname_created"]["unit"].startswith(gen.NEW_QNAME)
    assert "first lookup of the new name came from Alfa" in table["new_hostname_created"]["notes"]
    assert gen.APERIODIC_GAPS[0][1] - DAY == _day("2016-08-17")  # gaps include their last day
    assert gen.APERIODIC_GAPS[1][1] - DAY == _day("2016-09-20")


# ---- what the engine finds --------------------------------------------------------------------
# Periods are searched below one day (fmin = 1/day): the slow rise and fall of the rate is not a
# machine period. Cache-driven beats restart at a random phase after each idle stretch and slip
# 5-10 min now and then, so the line is broad: the verdict's line search uses 120 s bins.


def _hourly(search: tealeaves.PeriodSearch) -> list[tealeaves.Period]:
    return [
        p
        for p in search.periods
        if HOUR_BAND[0] <= p.period_s <= HOUR_BAND[1] and p.p_global < 1e-3
    ]


def test_spectrum_is_periodic_near_an_hour(mail1: pd.DataFrame) -> None:
    spectrum = _times(mail1, gen.SPECTRUM)
    verdict = tealeaves.verdict(spectrum, bin_width=120.0)
    assert verdict.label == "periodic"
    assert HOUR_BAND[0] <= verdict.period_s <= HOUR_BAND[1]
    search = tealeaves.detect_periods(spectrum, fmin=1.0 / DAY)
    strongest = search.periods[0]
    assert HOUR_BAND[0] <= strongest.period_s <= HOUR_BAND[1]
    assert strongest.p_global < 1e-10


def test_alfa_hourly_after_24_july_and_not_before(mail1: pd.DataFrame) -> None:
    onset = _day("2016-07-25")
    for client in (gen.ALFA_A, gen.ALFA_B):
        t = _times(mail1, client)
        after = _hourly(tealeaves.detect_periods(t[t >= onset], fmin=1.0 / DAY))
        assert after, client
        before = tealeaves.detect_periods(t[t < _day("2016-07-23")], fmin=1.0 / DAY)
        assert not _hourly(before), client
