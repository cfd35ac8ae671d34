"""The tealeaves command: the main job on the bundled sample, JSON output, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tealeaves.cli import main


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch) -> None:
    """demo writes its report into the working directory: keep it out of the checkout."""
    monkeypatch.chdir(tmp_path)


def test_demo_finds_the_beacon_and_reports_rejected_lines(capsys) -> None:
    assert main(["analyze", "--surrogates", "19"]) == 0
    out = capsys.readouterr().out
    assert "lines: 695 read = 685 used + 2 rejected + 8 header/comment/blank" in out
    assert "rejected line 108:" in out
    assert "10.1.0.5  updates.vendor.example" in out
    assert "beat present: first " in out  # the beacon's beat, dated
    assert "rate change points (PELT, Poisson cost, bic, bins of" in out


def test_json_output_has_stable_keys_and_the_beacon_period(capsys) -> None:
    assert main(["analyze", "--json", "--top", "1", "--surrogates", "19"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["tool"] == "tealeaves"
    assert {"path", "format", "lines_read", "lines_used", "lines_rejected"} <= set(
        document["input"]
    )
    beacon = next(s for s in document["series"] if s["client"] == "10.1.0.5")
    peak = beacon["peaks"][0]
    assert abs(300.0 / peak["period_s"] - round(300.0 / peak["period_s"])) < 0.01
    assert peak["p_global"] < 1e-20
    period = beacon["periods"][0]
    assert period["period_s"] == pytest.approx(300.0, rel=1e-4) and period["p_global"] < 1e-100
    assert beacon["interarrival"]["burstiness"]["b"] < -0.9  # a schedule: B near -1
    cache = next(s for s in document["series"] if s["client"] == "10.1.0.7")
    assert cache["ttl_floor"]["interpretation"] == "cache-expiry driven"
    chance = next(s for s in document["series"] if s["client"] == "10.1.0.9")
    assert chance["periods"] == [] and chance["status"] == "ok"
    # Structured nulls: the cache's period is what its own gaps produce in any order.
    assert cache["periods"][0]["p_shuffle"] > 0.05
    assert period["p_routine"] == pytest.approx(1 / 20)  # no routine surrogate comes close
    assert chance["peaks"][0]["p_global"] > 1e-3  # Poisson: nothing survives the search
    # The verdict of each series, with its evidence and a q-value over every series of the log.
    keys = {"client", "qname", "qtype", "n_events", "start", "end", "verdict", "p_value"}
    assert keys | {"q_value", "q_tests", "evidence", "periods", "activity"} <= set(beacon)
    truth = {"10.1.0.5": "periodic", "10.1.0.7": "periodic", "10.1.0.9": "random"}
    for series in document["series"]:
        assert series["q_tests"] == document["n_series"] == 4
        assert series["q_value"] >= series["p_value"]
        if series["client"] in truth:
            assert series["verdict"] == truth[series["client"]]
    person = next(s for s in document["series"] if s["client"] == "10.1.0.12")
    assert person["verdict"] == "human" and person["qtype"] == "A"
    assert chance["q_value"] == 1.0 and beacon["q_value"] < 1e-100
    assert {e["test"] for e in beacon["evidence"]} >= {"spectral line", "gap floor"}
    assert beacon["activity"]["blocks"]["n_blocks"] == 1  # a steady beacon: one block
    # PELT on the binned rate: no change for the steady beacon, one segment more than changes.
    assert "pairs" in document and document["pairs"] == []  # no two series share a name
    for series in document["series"]:
        changes = series["activity"]["change_points"]
        assert {"bin_width_s", "penalty", "times", "segments", "null"} <= set(changes)
        assert len(changes["segments"]) == len(changes["times"]) + 1
        assert changes["penalty"] == "bic" and changes["bin_width_s"] < 86400  # span < 14 d
    assert beacon["activity"]["change_points"]["times"] == []
    # A machine's bins hold four of its periods: its own beat is not a change of its rate.
    assert beacon["activity"]["change_points"]["bin_width_s"] == pytest.approx(1200.0, rel=1e-3)
    # The beacon's beat is present through the whole sample; the Poisson series has no beat.
    beat = beacon["periodic_spans"]
    assert beat["status"] == "ok" and beat["period_s"] == pytest.approx(300.0, rel=1e-3)
    assert beat["n_significant"] >= 1 and {"first_beat", "last_beat", "null"} <= set(beat)
    assert chance["periodic_spans"] == {"status": "no machine period"}


def test_binned_peaks_withhold_p_values_when_outages_void_the_null(tmp_path: Path) -> None:
    # Regression: Poisson lookups with hourly outages showed "periods" in the binned spectrum.
    import numpy as np

    import tealeaves as tl

    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(0, 86_400, 3000))
    gaps = [[h * 3600 + 3000, h * 3600 + 3600] for h in range(24)]
    keep = np.ones(len(t), bool)
    for a, b in gaps:
        keep &= ~((t > a) & (t < b))
    s = tl.EventSeries(t[keep], start=0, end=86_400, gaps=gaps)
    table = tl.periodogram(tl.bin_events(s, 10.0), scaling="leahy").peaks(3)
    assert table["p_global"].isna().all() and "outages" in table.attrs["null"]
    assert tl.detect_periods(s).periods == []  # the event-time test accounts for the gaps


def test_unreadable_file_is_a_usage_error(capsys, tmp_path: Path) -> None:
    assert main(["analyze", str(tmp_path / "missing.log")]) == 2
    assert "tealeaves: error:" in capsys.readouterr().err


def test_console_script_is_installed_and_demo_writes_its_report(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("tealeaves")
    if not exe.exists():
        pytest.skip("console script not installed next to this interpreter")
    result = subprocess.run(
        [str(exe), "demo", "--surrogates", "0", "--max-series", "1"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "mail1.trump-email.com" in result.stdout  # the 2016 reconstruction
    assert "report: tealeaves-demo-report.html" in result.stdout
    assert (tmp_path / "tealeaves-demo-report.html").stat().st_size > 10_000


def test_demo_verdict_on_the_2016_reconstruction(tmp_path: Path, capsys) -> None:
    import datetime as dt

    argv = ["demo", "--json", "--surrogates", "0", "--html", str(tmp_path / "r.html")]
    assert main(argv) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["input"]["lines_rejected"] == 0
    series = {s["client"]: s for s in document["series"]}
    spectrum, alfa_a, alfa_b = (series[c] for c in ("167.73.110.8", "217.12.96.15", "217.12.97.15"))
    # Spectrum: the cache's hourly beat throughout; Alfa: hourly runs (from 25 July) plus
    # irregular lookups, so a machine and something else.
    assert spectrum["verdict"] == "periodic"
    assert alfa_a["verdict"] == alfa_b["verdict"] == "mixed"
    for s in (spectrum, alfa_a, alfa_b):
        lines = [e["p_value"] for e in s["evidence"] if e["test"].endswith("line")]
        assert min(lines) < 1e-10 and s["q_value"] < 1e-10
        # Measured 3,697-3,740 s (refined on the event times): the data's mean beat gap.
        assert abs(s["verdict_period_s"] / 3600 - 1) < 0.05

    def day(t: float) -> str:
        return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%d")

    # When the beat is present (periodic_spans at the verdict's period, UTC days, family-wise
    # over the days): Alfa's first beat is on 25 July, after the silence, and none before;
    # Spectrum beats from May.
    for alfa in (alfa_a, alfa_b):
        spans = alfa["periodic_spans"]
        assert spans["status"] == "ok" and spans["window_s"] == 86400.0
        assert day(spans["first_beat"]) == "2016-07-25" and len(spans["spans"]) >= 10
        assert day(spans["spans"][0][0]) == "2016-07-25"
    assert day(spectrum["periodic_spans"]["first_beat"]) < "2016-06-01"
    for alfa in (alfa_a, alfa_b):
        silences = alfa["activity"]["outages"]["outages"]
        # The 23-24 July silence and the 23 September stop are among the significant silences.
        assert any(
            day(o["start"]) <= "2016-07-23" and day(o["end"]) >= "2016-07-25" for o in silences
        )
        assert any(day(o["start"]) == "2016-09-23" for o in silences)
        # Rate change points (PELT, daily bins): the rise after the July silence and the stop.
        # Measured on the shipped file: 25 Jul and 23 Sep for both (08:46 UTC, bins start at
        # the first lookup); the same windows hold on 20 other seeds of the generator.
        changes = alfa["activity"]["change_points"]
        assert changes["bin_width_s"] == 86400.0 and changes["penalty"] == "bic"
        days = [day(t) for t in changes["times"]]
        assert any("2016-07-22" <= d < "2016-07-26" for d in days)
        assert any("2016-09-22" <= d < "2016-09-25" for d in days)
    # The two Alfa resolvers move in lockstep (the generator sends 1,300 of each resolver's
    # ~1,400 lookups to both within 1.5 s); Spectrum moves with neither.
    pairs = {frozenset((p["client_a"], p["client_b"])): p for p in document["pairs"]}
    assert len(pairs) == 3 and all(p["n_pairs_tested"] == 3 for p in pairs.values())
    alfa = pairs[frozenset(("217.12.96.15", "217.12.97.15"))]
    assert alfa["fraction_a"] > 0.8 and alfa["fraction_b"] > 0.8
    assert alfa["p_adjusted"] < 0.01 and abs(alfa["median_lag_s"]) < 1.5
    assert "Bonferroni over the 3 pairs" in alfa["null"]
    for resolver in ("217.12.96.15", "217.12.97.15"):
        other = pairs[frozenset(("167.73.110.8", resolver))]
        assert other["p_adjusted"] > 0.01 and other["fraction_a"] < 0.05


def test_every_log_format_is_offered_and_wall_clock_is_read_in_a_zone(tmp_path: Path, capsys):
    from tealeaves import cli
    from tealeaves.io import FORMATS

    assert cli.FORMATS == FORMATS
    rows = [f'"2025-08-13 09:{m:02d}:00",192.168.1.5,agent.example,1,2' for m in range(30)]
    path = tmp_path / "pihole.csv"
    path.write_text("time,client,domain,type,status\n" + "\n".join(rows) + "\n")
    argv = ["analyze", str(path), "--tz", "America/New_York", "--json", "--surrogates", "0"]
    assert main(argv) == 0
    series = json.loads(capsys.readouterr().out)["series"][0]
    assert series["start"] == 1755090000.0  # 09:00 EDT = 13:00 UTC
    assert series["qtype"] == "A"  # Pi-hole's FTL code 1


def test_html_report_with_outside_events(tmp_path: Path, capsys) -> None:
    events = tmp_path / "events.txt"
    events.write_text("# news\n2016-07-06T12:00:00 lunch meeting\n2016-07-06T18:30:00\n")
    report = tmp_path / "report.html"
    argv = ["analyze", "--html", str(report), "--events", str(events), "--surrogates", "0"]
    assert main([*argv, "--max-series", "1"]) == 0
    assert f"report: {report}" in capsys.readouterr().out
    text = report.read_text(encoding="utf-8")
    assert "lunch meeting" in text and "<script" not in text
    empty = tmp_path / "none.txt"
    empty.write_text("# nothing\n")
    assert main(["analyze", "--html", str(report), "--events", str(empty)]) == 2
    assert "events: no event" in capsys.readouterr().err


def test_threads_do_not_change_results_and_bad_threads_are_named(capsys, monkeypatch) -> None:
    monkeypatch.setenv(
        "TEALEAVES_NUM_THREADS", ""
    )  # restored after the test, whatever --threads set
    outputs = []
    for threads in ("1", "2"):
        argv = ["analyze", "--json", "--surrogates", "19", "--threads", threads]
        assert main([*argv, "--max-series", "2"]) == 0
        outputs.append(json.loads(capsys.readouterr().out)["series"])
    assert outputs[0] == outputs[1]
    assert main(["analyze", "--threads", "0"]) == 2
    assert "threads: must be at least 1" in capsys.readouterr().err


def test_lockstep_pairs_are_capped_adjusted_and_seeded() -> None:
    import numpy as np

    import tealeaves as tl
    from tealeaves.analyze import MAX_PAIRS, lockstep_pairs

    rng = np.random.default_rng(2)
    base = np.sort(rng.uniform(0.0, 86_400.0, 60))
    window = {"start": -10.0, "end": 86_410.0}
    # Six clients echo one machine within 1 s; a seventh name is alone; one client is small.
    items = [
        (f"10.0.0.{k}", "same.example", tl.EventSeries(base + rng.uniform(0, 1, 60), **window))
        for k in range(6)
    ]
    items.append(("10.0.0.9", "other.example", tl.EventSeries(base, **window)))
    items.append(("10.0.0.8", "same.example", tl.EventSeries(base[:19], **window)))
    pairs = lockstep_pairs(items, seed=5)
    assert len(pairs) == MAX_PAIRS == 10  # 15 pairs share the name; the largest first
    for p in pairs:
        assert p["qname"] == "same.example" and "10.0.0.8" not in (p["client_a"], p["client_b"])
        assert p["n_pairs_tested"] == 10 and p["n_pairs_not_tested"] == 5
        assert p["fraction_a"] == p["fraction_b"] == 1.0
        assert p["n_surrogates"] == 1999  # 200 m - 1: the floor 1 / 2000 survives Bonferroni
        assert p["p_value"] == pytest.approx(1 / 2000)
        assert (
            p["p_adjusted"] == pytest.approx(min(1.0, 10 * p["p_value"])) and p["p_adjusted"] < 0.01
        )
    assert lockstep_pairs(items, seed=5) == pairs  # seeded: the same list again
    json.dumps(pairs, allow_nan=False)
    # The text output: one line per pair with p_adjusted < 0.01, names made printable.
    from tealeaves.cli import _print_pairs

    lines: list[str] = []
    shown = [{**pairs[0], "client_b": "evil\x1b[31m"}, {**pairs[1], "p_adjusted": 0.02}]
    _print_pairs(lines.append, shown)
    assert len(lines) == 1 and "\x1b" not in lines[0]
    assert lines[0].startswith(f"lockstep: {pairs[0]['client_a']} and evil\\x1b[31m")
    assert "100 % within 2 s" in lines[0] and "p_adjusted = 5.00e-03 over 10 pairs" in lines[0]


def test_analyze_times_the_wrccdc_scan_at_its_own_pace(capsys) -> None:
    # The NBSTAT scan sends 6 queries every 1.513 s: a period under the default 2 s search
    # floor, so analyze raises the Z^2 band to 1.25 / P for it (SOURCE.md calls the scan "not
    # periodic": by its timing it is a machine schedule, and tealeaves says so with its pace).
    from conftest import shared_file

    log = str(shared_file("wrccdc-2018-zeek-dns/dns.log"))
    argv = ["analyze", log, "--client", "10.47.1.208", "--json", "--surrogates", "0"]
    assert main([*argv, "--quiet"]) == 0
    scan = json.loads(capsys.readouterr().out)["series"][0]
    assert scan["verdict"] == "periodic"
    assert scan["verdict_period_s"] == pytest.approx(1.513, abs=0.005)
    assert scan["periods"][0]["period_s"] == pytest.approx(1.513, abs=0.005)
    beat = scan["periodic_spans"]
    assert beat["n_significant"] == beat["n_windows"] == 16  # every minute of the scan
    assert beat["lookups_per_tick"] == pytest.approx(5.8, abs=0.3)
