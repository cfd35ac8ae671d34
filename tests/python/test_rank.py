"""tealeaves.rank: every series of a log scored in one pass, with q-values across them."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import shared_file

from tealeaves.cli import main
from tealeaves.io import read_log
from tealeaves.rank import RankResult, rank

WRCCDC = "wrccdc-2018-zeek-dns/dns.log"
POLLERS = ["10.47.1.100", "10.47.1.153", "10.47.5.100", "10.47.5.155"]

ZEEK_HEADER = (
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
    "#path\tdns\n#fields\tts\tid.orig_h\tquery\tqtype_name\n#types\ttime\taddr\tstring\tstring\n"
)


def write_synthetic_log(path: Path, n_poisson: int = 15, seed: int = 1) -> None:
    """A six-hour Zeek TSV log: one 90 s beacon, n_poisson Poisson clients of the same rate,
    a hostile name, and a few rare lookups."""
    rng = np.random.default_rng(seed)
    rows = []
    t0 = 1.7e9
    for t in np.arange(10.0, 21600.0, 90.0):
        rows.append((t0 + t + rng.uniform(-1, 1), "10.0.0.99", "beacon.example"))
    for s in range(n_poisson):
        times = np.cumsum(rng.exponential(90.0, 400))
        for t in times[times < 21600.0]:
            rows.append((t0 + t, f"10.0.1.{s}", "www.example"))
    for t in np.sort(rng.uniform(0, 21600.0, 60)):
        rows.append((t0 + t, "10.0.2.1", "<script>alert(1)</script>.example"))
    for k in range(3):
        rows.append((t0 + 1000.0 * k, "10.0.3.1", "rare.example"))
    rows.sort()
    with open(path, "w") as f:
        f.write(ZEEK_HEADER)
        for ts, client, qname in rows:
            f.write(f"{ts:.6f}\t{client}\t{qname}\tA\n")


@pytest.fixture(scope="module")
def wrccdc_frame() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the log's two unset-query lines
        return read_log(shared_file(WRCCDC))


def _mean_cycle(frame: pd.DataFrame, client: str) -> float:
    """A poller's mean cycle from the data alone: the least-squares slope of its bursts' start
    times (lookups under 2 s apart are one burst) against their cycle numbers (gaps / 30.4 s,
    rounded: a missed poll counts two cycles)."""
    rows = frame[(frame["qname"] == "ise.wrccdc.org") & (frame["client"] == client)]
    ts = rows["ts"]
    t = np.sort(ts.astype("int64").to_numpy() / 1e9 if ts.dtype.kind == "M" else ts.to_numpy())
    starts = t[np.r_[True, np.diff(t) > 2.0]]
    cycles = np.r_[0, np.cumsum(np.round(np.diff(starts) / 30.4))]
    return float(np.polyfit(cycles, starts, 1)[0])


@pytest.fixture(scope="module")
def wrccdc() -> RankResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the log's two unset-query lines
        return rank(shared_file(WRCCDC), threads=2)


def test_wrccdc_pollers_rank_periodic_at_30_seconds(
    wrccdc: RankResult, wrccdc_frame: pd.DataFrame
) -> None:
    table = wrccdc.table
    assert wrccdc.ingest["lines_read"] == 53624
    assert wrccdc.ingest["lines_used"] == 53613
    assert wrccdc.n_series == 3368
    assert wrccdc.n_tested == (table["verdict"] != "insufficient").sum() == 274
    assert wrccdc.bin_width == 1.0  # 21 minutes: refined from the verdict's 10 s
    ise = table[table["qname"] == "ise.wrccdc.org"].set_index("client")
    for client in POLLERS:
        row = ise.loc[client]
        assert row["verdict"] == "periodic", client
        # Periods on the event times, no longer on the 1 s bin grid's 1/(k T) steps (30.24 s or
        # 30.98 s before): measured 30.68, 30.67, 30.43, 30.87 s (the pollers' median gaps are
        # 30.3-30.8 s, SOURCE.md); each within 0.1 s of its own mean cycle below.
        assert abs(row["period_s"] - 30.3) < 0.6, client
        assert abs(row["period_s"] - _mean_cycle(wrccdc_frame, client)) < 0.1, client
        assert row["q_value"] < 0.01, client
        assert row["p_line"] < 1e-20, client
    # Most of the significant series are the 30 s pollers; the table is sorted by q.
    assert np.all(np.diff(table["q_value"].to_numpy()) >= 0)
    top = table.head(10)
    assert (top["verdict"] == "periodic").all()
    assert ((top["period_s"] > 29.9) & (top["period_s"] < 30.9)).all()  # measured 30.00-30.87


def test_wrccdc_netbios_scan_period_is_not_the_bins_alias(wrccdc: RankResult) -> None:
    # 10.47.1.208's NBSTAT scan: six queries every 1.513 s for 889 s. In rank's 1 s bins the
    # line shows at the alias |1/1 s - 1/1.513 s|^-1 = 2.94 s (formerly reported); the event
    # times resolve it (measured 1.5149 s). A paced scan is a machine: periodic.
    table = wrccdc.table
    scan = table[(table["client"] == "10.47.1.208") & (table["qname"] == "*")].iloc[0]
    assert scan["verdict"] == "periodic"
    assert scan["period_s"] == pytest.approx(1.513, abs=0.01)
    assert scan["line_period_s"] == scan["period_s"]


def test_q_values_are_bh_over_every_scored_series(wrccdc: RankResult) -> None:
    from statsmodels.stats.multitest import multipletests

    table = wrccdc.table
    tested = table[~table["p_any"].isna()]
    assert len(tested) == wrccdc.n_tested
    q = multipletests(tested["p_any"].to_numpy(), alpha=0.01, method="fdr_bh")[1]
    np.testing.assert_allclose(tested["q_value"].to_numpy(), q, rtol=1e-12, atol=0)
    assert wrccdc.q_method == "bh"
    assert "min_events" in wrccdc.null


def test_frame_input_matches_file_for_any_row_order_and_threads(wrccdc: RankResult) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = read_log(shared_file(WRCCDC))
    shuffled = frame.sample(frac=1.0, random_state=5)
    again = rank(shuffled, threads=1)
    pd.testing.assert_frame_equal(again.table, wrccdc.table)
    assert again.ingest["rows_ranked"] == len(frame)


def test_csv_json_and_parquet_round_trip(wrccdc: RankResult, tmp_path: Path) -> None:
    wrccdc.to_csv(tmp_path / "rank.csv")
    back = pd.read_csv(tmp_path / "rank.csv", dtype={"seed": np.uint64})
    pd.testing.assert_frame_equal(back, wrccdc.table, check_dtype=False)
    data = json.loads(json.dumps(wrccdc.to_dict(), allow_nan=False))
    assert data["n_tested"] == 274
    assert data["input"]["lines_rejected"] == 2
    series = data["series"]
    assert len(series) == len(wrccdc.table)
    for record, (_, row) in zip(series[:50], wrccdc.table.head(50).iterrows(), strict=True):
        for key, value in record.items():
            expected = row[key]
            if isinstance(expected, float) and math.isnan(expected):
                assert value is None
            else:
                assert value == expected, key
    wrccdc.to_parquet(tmp_path / "rank.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "rank.parquet"), wrccdc.table)


def test_beacon_among_poisson_ranks_first_and_names_are_escaped(tmp_path: Path) -> None:
    log = tmp_path / "dns.log"
    write_synthetic_log(log)
    result = rank(log, n_surrogates=99)
    top = result.table.iloc[0]
    assert (top["client"], top["qname"]) == ("10.0.0.99", "beacon.example")
    assert top["verdict"] == "periodic"
    assert top["period_s"] == pytest.approx(90.0, rel=0.01)
    assert top["q_value"] < 0.01
    assert top["burstiness"] < -0.9
    assert result.n_skipped == 1  # rare.example
    poisson = result.table[result.table["qname"] == "www.example"]
    assert len(poisson) == 15
    assert (poisson["q_value"] >= 0.01).all()
    assert abs(poisson["burstiness"].median()) < 0.1
    import matplotlib

    matplotlib.use("Agg")
    ax = result.plot()
    plotted = sum(len(c.get_offsets()) for c in ax.collections)
    assert plotted == result.table["period_s"].notna().sum() >= 1
    page = result._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    # Keys: one series per name pools the clients.
    by_name = rank(log, keys=("qname",), n_surrogates=99)
    assert list(by_name.table.columns[:2]) == ["qname", "n_events"]
    counts = dict(zip(by_name.table["qname"], by_name.table["n_events"], strict=True))
    assert counts["www.example"] == poisson["n_events"].sum()


def test_progress_is_reported_and_an_exception_from_it_cancels(tmp_path: Path) -> None:
    log = tmp_path / "dns.log"
    write_synthetic_log(log, n_poisson=3)
    calls: list[tuple[int, int]] = []
    result = rank(log, n_surrogates=99, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (len(result.table), len(result.table))

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rank(log, progress=stop)  # mid-way or at the final call, it propagates


def test_bad_arguments_are_named(tmp_path: Path) -> None:
    log = tmp_path / "dns.log"
    write_synthetic_log(log, n_poisson=1)
    with pytest.raises(ValueError, match="min_events"):
        rank(log, min_events=0)
    with pytest.raises(ValueError, match="alpha"):
        rank(log, alpha=1.5)
    with pytest.raises(ValueError, match="keys"):
        rank(log, keys=("client", "qname", "qtype"))
    with pytest.raises(ValueError, match="q_method"):
        rank(log, q_method="magic")
    with pytest.raises(TypeError, match="log"):
        rank(42)
    with pytest.raises(FileNotFoundError, match="log"):
        rank(tmp_path / "missing.log")
    with pytest.raises(ValueError, match="column"):
        rank(pd.DataFrame({"ts": [1.0], "client": ["a"]}))


def test_cli_rank_table_json_and_csv(tmp_path: Path, capsys) -> None:
    log = tmp_path / "dns.log"
    write_synthetic_log(log)
    csv_path = tmp_path / "out.csv"
    assert main(["rank", str(log), "--top", "3", "--csv", str(csv_path), "--threads", "2"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("read ")
    assert "beacon.example" in lines[3] and "periodic" in lines[3]  # rank 1 after the header
    assert len(pd.read_csv(csv_path)) == 17
    assert main(["rank", str(log), "--json", "--min-events", "50"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["series"][0]["qname"] == "beacon.example"
    assert data["min_events"] == 50
    assert main(["rank", str(tmp_path / "missing.log")]) == 2
    assert "missing.log" in capsys.readouterr().err
    assert main(["rank", str(log), "--min-events", "0"]) == 2
