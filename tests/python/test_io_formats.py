"""BIND query logs, Pi-hole/CSV column mappings with time zones, Parquet, and malformed fixtures.

References written here: a regular-expression BIND parser, zoneinfo row by row, csv.DictReader,
and the expectations file tests/data/ingest/malformed/EXPECTED.tsv written by hand.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io as stdio
import re
import sys
import warnings
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, shared_file

from tealeaves.io import RejectedLinesWarning, parse_log, read_log, wall_clock_to_utc

DATA = REPO / "tests" / "data" / "ingest"
MALFORMED = DATA / "malformed"
UTC = dt.timezone.utc
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MAPPED = {"ts": "when", "client": "host", "qname": "name", "qtype": "kind", "rcode": "result"}
PIHOLE = {"ts": "time", "client": "client", "qname": "domain", "qtype": "type"}


def quietly(function, *args, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RejectedLinesWarning)
        return function(*args, **kwargs)


def counts(frame: pd.DataFrame) -> tuple[int, int, int, int]:
    info = frame.attrs["ingest"]
    assert info["lines_read"] == info["lines_used"] + info["lines_rejected"] + info["lines_meta"]
    assert info["lines_used"] == len(frame)
    return info["lines_read"], info["lines_used"], info["lines_rejected"], info["lines_meta"]


# -- BIND against a regular-expression reference --------------------------------------------------
BIND_LINE = re.compile(
    r"(?P<date>\d\d-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{4}) "
    r"(?P<time>\d\d:\d\d:\d\d(?:\.\d+)?)"
    r"(?: [a-z-]+:){0,2} client(?: @0x[0-9a-f]+)? (?P<client>\S+)#\d{1,5}:?"
    r"(?: \(\S*\):?)?(?: view \S+:)? query: (?P<qname>\S+) (?:IN|CH|HS|ANY|NONE|CLASS\d+) "
    r"(?P<qtype>[A-Z0-9-]+)(?: \S+){0,2}"
)


def bind_reference(data: bytes) -> tuple[list[tuple[float, str, str, str]], list[int]]:
    rows, rejected = [], []
    for number, raw in enumerate(data.split(b"\n")[:-1], 1):
        line = raw.decode("utf-8", "backslashreplace")
        if not line.strip():
            continue
        match = BIND_LINE.fullmatch(line)
        try:
            if match is None:
                raise ValueError(line)
            stamp = dt.datetime.strptime(
                match["date"] + " " + match["time"],
                "%d-%b-%Y %H:%M:%S.%f" if "." in match["time"] else "%d-%b-%Y %H:%M:%S",
            )
        except ValueError:
            rejected.append(number)
            continue
        ts = stamp.replace(tzinfo=UTC).timestamp()
        rows.append((ts, match["client"], match["qname"], match["qtype"]))
    return rows, rejected


def test_bind_fixture_matches_the_regex_reference() -> None:
    path = MALFORMED / "query.log"
    frame = quietly(read_log, path)
    rows, rejected = bind_reference(path.read_bytes())
    # The reference has no ISO-8601 clock: its one ISO line (line 5) is the only disagreement.
    ours = frame[frame["qname"] != "iso.test"]
    assert len(ours) == len(rows) == 8
    np.testing.assert_allclose(ours["ts"].to_numpy(), [r[0] for r in rows], rtol=0, atol=1e-6)
    assert ours["client"].astype(str).tolist() == [r[1] for r in rows]
    assert ours["qname"].astype(str).tolist() == [r[2] for r in rows]
    assert ours["qtype"].astype(str).tolist() == [r[3] for r in rows]
    info = frame.attrs["ingest"]
    assert [line for line, _ in info["rejected"]] == [n for n in rejected if n != 5]
    assert counts(frame) == (24, 9, 13, 2)
    assert info["format"] == "bind" and info["local_rows"] == 8


def test_random_bind_lines_of_every_form_match_the_reference() -> None:
    rng = np.random.default_rng(20250813)
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    lines = []
    for k in range(600):
        day = dt.date(2016, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3650)))
        clock = f"{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}:{rng.integers(0, 60):02d}"
        if rng.random() < 0.7:
            clock += "." + str(rng.integers(0, 1000)).zfill(3)
        stamp = f"{day.day:02d}-{months[day.month - 1]}-{day.year} {clock}"
        client = (
            f"10.{rng.integers(0, 256)}.{rng.integers(0, 256)}.{rng.integers(1, 255)}"
            if rng.random() < 0.8
            else f"2001:db8::{rng.integers(1, 65535):x}"
        )
        qname = f"h{rng.integers(0, 50)}.zone{rng.integers(0, 5)}.test"
        parts = [stamp]
        parts += [["queries: info:"], ["queries:"], []][int(rng.integers(0, 3))]
        parts.append("client")
        if rng.random() < 0.5:
            parts.append(f"@0x{rng.integers(0, 2**40):x}")
        old = rng.random() < 0.3
        parts.append(f"{client}#{rng.integers(1, 65536)}" + (":" if old else ""))
        if not old:
            parts.append(f"({qname}):")
            if rng.random() < 0.3:
                parts.append(f"view v{k % 3}:")
        qtype = ("A", "AAAA", "MX", "TXT", "HTTPS", "TYPE65", "NSAP-PTR")[int(rng.integers(0, 7))]
        parts += ["query:", qname, ("IN", "CH", "CLASS3")[int(rng.integers(0, 3))], qtype]
        parts += [["+E(0)K", "(192.0.2.1)"], ["-"], []][int(rng.integers(0, 3))]
        lines.append(" ".join(parts))
    text = "\n".join(lines) + "\n"
    frame = parse_log(text)
    rows, rejected = bind_reference(text.encode())
    assert rejected == []
    assert counts(frame) == (600, 600, 0, 0)
    np.testing.assert_allclose(frame["ts"].to_numpy(), [r[0] for r in rows], rtol=0, atol=1e-6)
    assert frame["client"].astype(str).tolist() == [r[1] for r in rows]
    assert frame["qname"].astype(str).tolist() == [r[2] for r in rows]
    assert frame["qtype"].astype(str).tolist() == [r[3] for r in rows]


def test_bind_wall_clock_with_tz_and_utc_offset() -> None:
    text = (
        "09-Mar-2025 01:59:59.5 client 10.0.0.1#1: query: a.test IN A +\n"
        "09-Mar-2025 03:00:00 client 10.0.0.1#1: query: a.test IN A +\n"
        "02-Nov-2025 01:30:00 client 10.0.0.1#1: query: a.test IN A +\n"
        "2025-11-02T05:30:00Z client 10.0.0.1#1: query: a.test IN A +\n"
    )
    frame = parse_log(text, tz="America/New_York")
    expected = [
        dt.datetime(2025, 3, 9, 1, 59, 59, 500000, tzinfo=NEW_YORK).timestamp(),
        dt.datetime(2025, 3, 9, 3, 0, 0, tzinfo=NEW_YORK).timestamp(),
        dt.datetime(2025, 11, 2, 1, 30, tzinfo=NEW_YORK).timestamp(),  # fold=0: EDT
        dt.datetime(2025, 11, 2, 5, 30, tzinfo=UTC).timestamp(),  # zoned: untouched
    ]
    assert frame["ts"].tolist() == expected
    assert expected[1] - expected[0] == 0.5  # the skipped hour
    assert frame.attrs["ingest"]["tz"] == "America/New_York"
    assert frame.attrs["ingest"]["local_rows"] == 3
    fixed = parse_log(text, utc_offset=dt.timedelta(hours=-5))
    est = dt.timezone(dt.timedelta(hours=-5))
    assert fixed["ts"].tolist()[:3] == [
        dt.datetime(2025, 3, 9, 1, 59, 59, 500000, tzinfo=est).timestamp(),
        dt.datetime(2025, 3, 9, 3, 0, 0, tzinfo=est).timestamp(),
        dt.datetime(2025, 11, 2, 1, 30, tzinfo=est).timestamp(),
    ]
    assert parse_log(text, utc_offset=-18000.0)["ts"].tolist() == fixed["ts"].tolist()
    assert (
        parse_log(text)["ts"].tolist()[2] == dt.datetime(2025, 11, 2, 1, 30, tzinfo=UTC).timestamp()
    )
    assert parse_log(text, format="querylog").attrs["ingest"]["format"] == "bind"


@pytest.mark.parametrize(
    ("zone", "start", "step"),
    [
        ("America/New_York", dt.datetime(2025, 3, 9, 1, 0), 7.25),
        ("America/New_York", dt.datetime(2025, 11, 2, 0, 30), 7.25),
        ("Australia/Lord_Howe", dt.datetime(2025, 4, 6, 1, 0), 7.25),  # a 30-minute DST shift
        ("Europe/London", dt.datetime(2025, 3, 30, 0, 30), 7.25),
        # Liberia left its -0:44:30 mean time in 1972: the offset changes mid-minute.
        ("Africa/Monrovia", dt.datetime(1972, 1, 6, 23, 30), 0.5),
    ],
)
def test_wall_clock_to_utc_matches_zoneinfo_second_by_second(zone, start, step) -> None:
    tz = zoneinfo.ZoneInfo(zone)
    wall = start.replace(tzinfo=UTC).timestamp() + np.arange(0.0, 3 * 3600.0, step)
    expected = [dt.datetime.fromtimestamp(w, UTC).replace(tzinfo=tz).timestamp() for w in wall]
    np.testing.assert_allclose(wall_clock_to_utc(wall, zone), expected, rtol=0, atol=1e-6)


def test_time_options_are_checked() -> None:
    with pytest.raises(ValueError, match="tz: give tz or utc_offset, not both"):
        parse_log("ts,client,qname\n", tz="UTC", utc_offset=0)
    with pytest.raises(ValueError, match="tz: unknown time zone 'Mars/Olympus'"):
        parse_log("ts,client,qname\n", tz="Mars/Olympus")
    with pytest.raises(ValueError, match="utc_offset: must be within"):
        parse_log("ts,client,qname\n", utc_offset=20 * 3600)
    with pytest.raises(TypeError, match="utc_offset"):
        parse_log("ts,client,qname\n", utc_offset="+02:00")
    with pytest.raises(ValueError, match="columns: unknown role 'domain'"):
        parse_log("ts,client,qname\n", columns={"domain": "qname"})
    with pytest.raises(ValueError, match="columns: only for csv"):
        parse_log("ts,client,qname\n", format="bind", columns={"ts": "ts"})
    with pytest.raises(ValueError, match="columns: qtype: no column 'kind'"):
        parse_log("ts,client,qname\n", columns={"qtype": "kind"})
    with pytest.raises(ValueError, match="qtype_codes"):
        parse_log("ts,client,qname\n", qtype_codes="ftl")
    with pytest.raises(ValueError, match=r"^line 6: qtype: missing \(truncated\)$"):
        read_log(MALFORMED / "query.log", strict=True, format="bind")


# -- Pi-hole: the real export ---------------------------------------------------------------------
def test_pihole_export_with_a_column_mapping_and_its_zone() -> None:
    path = shared_file("pihole-home-day-2025-08-13/pihole-yesterday.csv")
    frame = read_log(path, format="csv", columns=PIHOLE, tz="America/New_York")
    assert counts(frame) == (5226, 5225, 0, 1)
    reference = list(csv.DictReader(stdio.StringIO(path.read_text(encoding="utf-8"))))
    assert len(reference) == 5225
    expected = [
        dt.datetime.strptime(r["time"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=NEW_YORK).timestamp()
        for r in reference
    ]
    np.testing.assert_array_equal(frame["ts"].to_numpy(), expected)
    assert frame["ts"].iloc[0] == 1755047135.0 + 4 * 3600  # 01:05:35 EDT
    ftl = {"1": "A", "2": "AAAA", "4": "SRV", "6": "PTR", "16": "HTTPS"}
    assert frame["qtype"].astype(str).tolist() == [ftl[r["type"]] for r in reference]
    assert collections.Counter(frame["qtype"].astype(str)) == {
        "A": 2136,
        "AAAA": 1933,
        "HTTPS": 1075,
        "PTR": 73,
        "SRV": 8,
    }  # SOURCE.md's counts of codes 1, 2, 16, 6, 4
    assert frame["client"].value_counts().to_dict() == {"192.168.1.164": 5152, "127.0.0.1": 73}
    assert frame["qname"].astype(str).tolist() == [r["domain"] for r in reference]
    # Detected on its own, with a fixed offset: the same instants (EDT all day).
    auto = read_log(path, utc_offset=-4 * 3600)
    assert auto.attrs["ingest"]["format"] == "pihole"
    np.testing.assert_array_equal(auto["ts"].to_numpy(), expected)
    raw = read_log(path, format="csv", qtype_codes="as-written")
    assert set(raw["qtype"].astype(str)) == {"1", "2", "4", "6", "16"}


# -- the malformed fixtures of every format -------------------------------------------------------
def _expected() -> dict[str, dict[int, tuple[str, str]]]:
    out: dict[str, dict[int, tuple[str, str]]] = collections.defaultdict(dict)
    for line in (MALFORMED / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            file, number, outcome, reason = line.split("\t")
            out[file][int(number)] = (outcome, reason)
    return out


@pytest.mark.parametrize(
    ("file", "options", "fmt"),
    [
        ("dns.log", {}, "zeek-tsv"),
        ("dns.json", {}, "zeek-json"),
        ("mapped.csv", {"format": "csv", "columns": MAPPED}, "csv"),
        ("pihole.csv", {}, "pihole"),
        ("query.log", {}, "bind"),
    ],
)
def test_malformed_fixture_lines_are_counted_with_reasons(file, options, fmt) -> None:
    expected = _expected()[file]
    with pytest.warns(RejectedLinesWarning, match=f"{file}: "):
        frame = read_log(MALFORMED / file, **options)
    info = frame.attrs["ingest"]
    assert info["format"] == fmt
    outcomes = collections.Counter(o for o, _ in expected.values())
    assert counts(frame) == (
        len(expected),
        outcomes["used"],
        outcomes["rejected"],
        outcomes["meta"],
    )
    want = [(n, r) for n, (o, r) in sorted(expected.items()) if o == "rejected"]
    assert [line for line, _ in info["rejected"]] == [n for n, _ in want]
    for (_, reason), (_, prefix) in zip(info["rejected"], want):
        assert reason.startswith(prefix)
    names = set(frame["qname"].astype(str))
    assert "<script>alert(1)</script>.evil.test" in names  # kept as written, not escaped
    assert "nul\x00inside.test" in names
    assert "caf\\xe9-\\xff\\xfe.test" in names  # bad UTF-8 bytes as \xHH text
    assert max(len(n) for n in names) == 63 + 1 + 40 * 63 + 39 + 5
    with pytest.raises(ValueError, match=rf"^line {want[0][0]}: "):
        read_log(MALFORMED / file, strict=True, **options)


def test_bytes_and_text_with_garbage_never_crash() -> None:
    rng = np.random.default_rng(7)
    junk = bytes(rng.integers(0, 256, 200_000, dtype=np.uint8))
    for fmt in ("bind", "csv", "pihole", "zeek-tsv", "zeek-json"):
        header = {"csv": b"ts,client,qname\n", "pihole": b"time,client,domain,type,status\n"}
        data = header.get(fmt, b"") + junk
        if fmt == "zeek-tsv":
            data = b"#fields\tts\tid.orig_h\tquery\n" + junk
        frame = quietly(parse_log, data, format=fmt)
        read, _, rejected, _ = counts(frame)
        assert read == data.count(b"\n") + (not data.endswith(b"\n"))
        assert rejected > 0


# -- Parquet --------------------------------------------------------------------------------------
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.mark.parametrize("fixture", ["dns_small.log", "small.csv", "malformed/query.log"])
def test_parquet_round_trip_reads_back_identically(tmp_path: Path, fixture: str) -> None:
    frame = quietly(read_log, DATA / fixture)
    target = tmp_path / "log.parquet"
    frame.to_parquet(target)
    back = read_log(target)  # detected by its magic bytes
    pd.testing.assert_frame_equal(back, frame)
    assert counts(back) == (len(frame), len(frame), 0, 0)
    assert back.attrs["ingest"]["format"] == "parquet"
    same = read_log(target, format="parquet", columns={"ts": "ts", "qname": "qname"})
    pd.testing.assert_frame_equal(same, frame)


def test_parquet_column_mapping_time_types_and_rejected_rows(tmp_path: Path) -> None:
    base = dt.datetime(2025, 8, 13, 1, 5, 35)
    table = pa.table(
        {
            "time": pa.array(
                [base, base + dt.timedelta(seconds=1.5), None, base, base], pa.timestamp("us")
            ),
            "client": ["10.0.0.1", "10.0.0.1", "10.0.0.2", None, "10.0.0.1"],
            "domain": ["a.test", "<script>.test", "b.test", "c.test", "d.test"],
            "type": pa.array([1, 16, 2, 99, 1], pa.int64()),
            "RCODE": ["NOERROR", "3", None, "0", "BOGUS"],
        }
    )
    path = tmp_path / "pihole.parquet"
    pq.write_table(table, path)
    with pytest.warns(
        RejectedLinesWarning, match="3 malformed lines rejected, the first at line 3"
    ):
        frame = read_log(
            path, format="parquet", columns=PIHOLE, qtype_codes="pihole", tz="America/New_York"
        )
    assert counts(frame) == (5, 2, 3, 0)
    assert frame.attrs["ingest"]["rejected"] == [
        (3, "time: null or not finite"),
        (4, "client: null"),
        (5, "RCODE: cannot parse 'BOGUS'"),
    ]
    t0 = base.replace(tzinfo=NEW_YORK).timestamp()
    assert frame["ts"].tolist() == [t0, t0 + 1.5]
    assert frame["qtype"].astype(str).tolist() == ["A", "HTTPS"]
    assert frame["qname"].astype(str).tolist() == ["a.test", "<script>.test"]
    assert frame["rcode"].tolist() == [0, 3]
    with pytest.raises(ValueError, match=r"^row 3: time: null"):
        read_log(path, format="parquet", columns=PIHOLE, strict=True)
    # Zoned timestamps and date-time strings.
    zoned = pa.table(
        {
            "ts": pa.array([base], pa.timestamp("ms", tz="UTC")),
            "client": ["c"],
            "qname": ["q"],
        }
    )
    pq.write_table(zoned, path)
    assert read_log(path, tz="America/New_York")["ts"].tolist() == [
        base.replace(tzinfo=UTC).timestamp()
    ]
    texts = pa.table(
        {"ts": ["2025-08-13 01:05:35", "2025-08-13T01:05:35+02:00", "later"], "src": ["c"] * 3}
    )
    texts = texts.append_column("query", pa.array(["q"] * 3))
    pq.write_table(texts, path)
    with pytest.warns(RejectedLinesWarning):
        frame = read_log(path, utc_offset=3600)
    assert frame["ts"].tolist() == [
        base.replace(tzinfo=UTC).timestamp() - 3600,
        base.replace(tzinfo=UTC).timestamp() - 7200,
    ]
    assert frame.attrs["ingest"]["rejected"] == [(3, "ts: cannot parse as a time")]
    pq.write_table(pa.table({"ts": [1.0], "client": ["c"]}), path)
    with pytest.raises(ValueError, match="path: Parquet file lacks a qname column"):
        read_log(path)


def test_parquet_without_pyarrow_says_what_to_install(tmp_path, monkeypatch) -> None:
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"ts": [1.0], "client": ["c"], "qname": ["q"]}), path)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ImportError, match=r"needs pyarrow \(pip install 'pyarrow>=14'\)"):
        read_log(path, format="parquet")
