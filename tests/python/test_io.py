"""tealeaves.io against small pure-Python parsers (str.split, json, csv, datetime) written here.

The fixtures in tests/data/ingest hold every kind of malformed line; the real Zeek logs of
../shared/data are compared value by value where present.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io as stdio
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, shared_file

import tealeaves
from tealeaves.io import RejectedLinesWarning, group_series, parse_log, read_log

DATA = REPO / "tests" / "data" / "ingest"


# -- independent reference parsers ----------------------------------------------------------------
def _row(ts, client, qname, qtype=None, rcode=None, ttl=math.nan):
    return {"ts": ts, "client": client, "qname": qname, "qtype": qtype, "rcode": rcode, "ttl": ttl}


def _iso(text: str) -> float:
    stamp = dt.datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return stamp.timestamp()


def _time(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return _iso(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def zeek_reference(text: str):
    """Rows and rejected line numbers of a Zeek TSV log, by str.split."""
    sep, set_sep, empty, unset, fields = "\t", ",", "(empty)", "-", None
    rows, rejected = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#separator "):
            sep = bytes(line[len("#separator ") :], "ascii").decode("unicode_escape")
            set_sep, empty, unset, fields = ",", "(empty)", "-", None
            continue
        if line.startswith("#"):
            key, _, value = line.partition(sep)
            if key == "#set_separator":
                set_sep = value
            elif key == "#empty_field":
                empty = value
            elif key == "#unset_field":
                unset = value
            elif key == "#fields":
                fields = value.split(sep)
            continue
        if not line.strip():
            continue
        parts = line.split(sep)
        if fields is None or len(parts) != len(fields):
            rejected.append(number)
            continue
        r = dict(zip(fields, parts))
        try:
            ts = _time(r["ts"])
            if r["query"] == unset:
                raise ValueError("unset query")
            qtype = None
            for key in ("qtype_name", "qtype"):
                if r.get(key, unset) not in (unset, empty, ""):
                    qtype = r[key]
                    break
            rcode = None if r.get("rcode", unset) in (unset, empty) else int(r["rcode"])
            ttls = r.get("TTLs", unset)
            ttl = math.nan if ttls in (unset, empty) else min(map(float, ttls.split(set_sep)))
        except ValueError:
            rejected.append(number)
            continue
        qname = "" if r["query"] == empty else r["query"]
        rows.append(_row(ts, r["id.orig_h"], qname, qtype, rcode, ttl))
    return rows, rejected


RCODES = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5}


def json_reference(text: str):
    rows, rejected = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
            ts = o["ts"] if isinstance(o["ts"], (int, float)) else _iso(o["ts"])
            if not isinstance(o["query"], str):
                raise ValueError("query")
            qtype = o.get("qtype_name", str(o["qtype"]) if "qtype" in o else None)
            rcode = o.get("rcode")
            rcode = RCODES[rcode] if isinstance(rcode, str) else rcode
            ttls = o.get("TTLs") or []
            if not all(isinstance(x, (int, float)) for x in ttls):
                raise ValueError("TTLs")
        except (ValueError, KeyError):
            rejected.append(number)
            continue
        ttl = float(min(ttls)) if ttls else math.nan
        rows.append(_row(float(ts), o["id.orig_h"], o["query"], qtype, rcode, ttl))
    return rows, rejected


def csv_reference(text: str):
    lines = text.splitlines()
    body = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and line[0] != "#"]
    header = next(csv.reader([body[0][1]]))
    names = [h.strip().lower() for h in header]
    col = {k: names.index(k) for k in ("time", "client", "domain", "type", "rcode", "ttl")}
    rows, rejected = [], []
    for number, line in body[1:]:
        try:
            if line.count('"') % 2:
                raise ValueError("quote")
            parts = next(csv.reader([line], strict=True))
            if len(parts) != len(names) or not parts[col["client"]] or not parts[col["domain"]]:
                raise ValueError("shape")
            rc = parts[col["rcode"]]
            rcode = None if rc == "" else RCODES[rc] if rc in RCODES else int(rc)
            ttl = float(parts[col["ttl"]]) if parts[col["ttl"]] else math.nan
            ts = _time(parts[col["time"]])
        except (ValueError, csv.Error):
            rejected.append(number)
            continue
        qtype = parts[col["type"]] or None
        rows.append(_row(ts, parts[col["client"]], parts[col["domain"]], qtype, rcode, ttl))
    return rows, rejected


def assert_frame_matches(frame: pd.DataFrame, rows: list[dict]) -> None:
    assert len(frame) == len(rows)
    np.testing.assert_allclose(frame["ts"].to_numpy(), [r["ts"] for r in rows], rtol=0, atol=1e-6)
    for column in ("client", "qname"):
        assert frame[column].astype(object).tolist() == [r[column] for r in rows], column
    assert [None if pd.isna(v) else v for v in frame["qtype"]] == [r["qtype"] for r in rows]
    assert [None if pd.isna(v) else int(v) for v in frame["rcode"]] == [r["rcode"] for r in rows]
    np.testing.assert_array_equal(frame["ttl"].to_numpy(), [r["ttl"] for r in rows])


def read_quietly(path, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RejectedLinesWarning)
        return read_log(path, **options)


def check_counts(frame: pd.DataFrame) -> dict:
    info = frame.attrs["ingest"]
    assert info["lines_read"] == info["lines_used"] + info["lines_rejected"] + info["lines_meta"]
    assert info["lines_used"] == len(frame)
    return info


# -- the fixtures ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "reference", "fmt"),
    [
        ("dns_small.log", zeek_reference, "zeek-tsv"),
        ("dns_small.json", json_reference, "zeek-json"),
        ("small.csv", csv_reference, "csv"),
    ],
)
def test_fixtures_match_pure_python_parsers(name, reference, fmt) -> None:
    path = DATA / name
    rows, rejected = reference(path.read_text(encoding="utf-8"))
    frame = read_quietly(path)
    assert_frame_matches(frame, rows)
    info = check_counts(frame)
    assert info["format"] == fmt
    assert info["path"] == str(path)
    assert [line for line, _ in info["rejected"]] == rejected
    assert info["lines_rejected"] == len(rejected)
    assert info["lines_read"] == len(path.read_text(encoding="utf-8").splitlines())


def test_columns_have_the_documented_dtypes() -> None:
    frame = read_quietly(DATA / "dns_small.log")
    assert list(frame.columns) == ["ts", "client", "qname", "qtype", "rcode", "ttl"]
    assert frame["ts"].dtype == np.float64
    assert frame["ttl"].dtype == np.float64
    assert str(frame["rcode"].dtype) == "Int32"
    for column in ("client", "qname", "qtype"):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype)
    # Categories keep first-seen order: the codes are the engine's dictionary codes.
    assert list(frame["client"].cat.categories) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    assert frame["qtype"].isna().tolist() == [False] * 5 + [True] * 2
    assert frame["rcode"].isna().sum() == 3


def test_rejected_lines_warn_with_their_count_and_first_line() -> None:
    with pytest.warns(
        RejectedLinesWarning, match=r"6 malformed lines rejected, the first at line 11"
    ):
        read_log(DATA / "dns_small.log")
    with pytest.warns(
        RejectedLinesWarning, match=r"5 malformed lines rejected, the first at line 6"
    ):
        read_log(DATA / "small.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = parse_log("ts,client,qname\n1.5,a,b\n")
    assert frame.attrs["ingest"]["lines_rejected"] == 0


def test_strict_mode_raises_at_the_first_malformed_line() -> None:
    with pytest.raises(ValueError, match=r"^line 11: query: unset$"):
        read_log(DATA / "dns_small.log", strict=True)
    with pytest.raises(ValueError, match=r"^line 3: query: null \(unset\)$"):
        read_log(DATA / "dns_small.json", "zeek-json", strict=True)


def test_errors_name_the_argument(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"^path: expected a str or os.PathLike, got int"):
        read_log(42)
    with pytest.raises(TypeError, match=r"^path:"):
        read_log(None)
    with pytest.raises(FileNotFoundError, match=r"^path: no such file"):
        read_log(tmp_path / "missing.log")
    with pytest.raises(ValueError, match=r"^path: '.*' is a directory"):
        read_log(tmp_path)
    with pytest.raises(ValueError, match=r"^format: expected one of"):
        read_log(DATA / "small.csv", "xml")
    with pytest.raises(TypeError, match=r"^strict: expected a bool"):
        read_log(DATA / "small.csv", strict="yes")
    with pytest.raises(TypeError, match=r"^text:"):
        parse_log(42)
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("when,client,qname\n1,a,b\n")
    with pytest.raises(ValueError, match=r"^path: CSV header lacks a ts column; found: when"):
        read_log(bad_header)
    frame = read_quietly(DATA / "small.csv")
    with pytest.raises(TypeError, match=r"^frame:"):
        group_series(frame.to_dict())
    with pytest.raises(ValueError, match=r"^frame: lacks the column\(s\) qname"):
        group_series(frame.drop(columns="qname"))
    with pytest.raises(ValueError, match=r"^min_events:"):
        group_series(frame, min_events=0)
    with pytest.raises(TypeError, match=r"^sort:"):
        group_series(frame, sort=False)


def test_text_bytes_and_paths_give_the_same_table() -> None:
    path = DATA / "dns_small.json"
    from_path = read_quietly(str(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RejectedLinesWarning)
        from_text = parse_log(path.read_text(encoding="utf-8"))
        from_bytes = parse_log(path.read_bytes(), "json")
    pd.testing.assert_frame_equal(from_path, from_text)
    pd.testing.assert_frame_equal(from_path, from_bytes)
    assert from_text.attrs["ingest"]["path"] is None


def test_invalid_utf8_becomes_backslash_escapes_not_an_error() -> None:
    frame = parse_log(b"ts,client,qname\n1,a,\xff.test\n2,a,caf\xc3\xa9\n")
    assert frame["qname"].astype(object).tolist() == ["\\xff.test", "café"]


def test_group_series_orders_by_count_and_sorts_times() -> None:
    frame = read_quietly(DATA / "dns_small.log")
    groups = group_series(frame)
    assert list(groups) == [
        ("10.0.0.1", "example.com"),
        ("10.0.0.2", "evil.test"),
        ("10.0.0.2", ""),
        ("10.0.0.3", "example.com"),
    ]
    beacon = groups[("10.0.0.1", "example.com")]
    assert isinstance(beacon, tealeaves.EventSeries)
    np.testing.assert_allclose(
        beacon.absolute_times, [1700000000.000001, 1700000030.5, 1700000102], rtol=0, atol=1e-6
    )
    assert list(group_series(frame, min_events=2)) == list(groups)[:2]
    assert group_series(parse_log("ts,client,qname\n")) == {}
    # Filtered frames keep unused categories; they give no empty series.
    subset = frame[frame["client"] == "10.0.0.2"]
    assert list(group_series(subset)) == [("10.0.0.2", "evil.test"), ("10.0.0.2", "")]
    # Plain string columns work too, in first-seen order.
    plain = pd.DataFrame(
        {"ts": [3.0, 1.0, 2.0, 5.0], "client": ["b", "a", "b", "a"], "qname": ["x", "y", "x", "y"]}
    )
    g = group_series(plain, duplicates="collapse")
    assert list(g) == [("b", "x"), ("a", "y")]
    np.testing.assert_array_equal(g[("b", "x")].absolute_times, [2.0, 3.0])
    assert g[("b", "x")].repairs["n_out_of_order"] == 1


def test_group_series_refuses_missing_names() -> None:
    frame = pd.DataFrame({"ts": [1.0, 2.0], "client": ["a", None], "qname": ["x", "x"]})
    with pytest.raises(ValueError, match=r"^frame: column client has missing values"):
        group_series(frame)


# -- real logs ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("relative", "used", "rejected"),
    [
        ("rita-home-network-dns/dns.log", 942, 0),
        ("ctu-botnet-355-1-simda-dns/dns.log", 980, 12),
        ("wrccdc-2018-zeek-dns/dns.log", 53613, 2),
    ],
)
def test_real_zeek_logs_match_pure_python(relative: str, used: int, rejected: int) -> None:
    path = shared_file(relative)
    text = path.read_text(encoding="utf-8")
    rows, rejected_lines = zeek_reference(text)
    assert (len(rows), len(rejected_lines)) == (used, rejected)
    frame = read_quietly(path)
    info = check_counts(frame)
    assert info["lines_read"] == len(text.splitlines())
    assert [line for line, _ in info["rejected"]] == rejected_lines
    assert_frame_matches(frame, rows)
    counts = collections.Counter((r["client"], r["qname"]) for r in rows)
    groups = group_series(frame)
    assert {k: len(v) for k, v in groups.items()} == dict(counts)
    sizes = [len(v) for v in groups.values()]
    assert sizes == sorted(sizes, reverse=True)


def test_wrccdc_poller_series() -> None:
    frame = read_quietly(shared_file("wrccdc-2018-zeek-dns/dns.log"))
    assert frame.attrs["ingest"]["lines_used"] + frame.attrs["ingest"]["lines_rejected"] == 53615
    groups = group_series(frame, min_events=20)
    poller = groups[("10.47.5.155", "ise.wrccdc.org")]
    assert len(poller) == 1116
    assert poller.times[0] + poller.start == 1521911744.348904
    # By default every series shares the log's observation window, first to last lookup.
    assert poller.start == frame["ts"].min() and poller.end == frame["ts"].max()
    own = group_series(frame, min_events=20, window="series")[("10.47.5.155", "ise.wrccdc.org")]
    assert own.start == 1521911744.348904
    assert next(iter(groups)) == ("10.47.2.100", "ise.wrccdc.org")


def test_real_csv_export_reads_local_times_as_utc() -> None:
    path = shared_file("pihole-home-day-2025-08-13/pihole-yesterday.csv")
    frame = read_log(path)
    reference = list(csv.DictReader(stdio.StringIO(path.read_text(encoding="utf-8"))))
    assert len(frame) == len(reference) == 5225
    utc = dt.timezone.utc
    expected = [
        dt.datetime.strptime(r["time"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=utc).timestamp()
        for r in reference
    ]
    np.testing.assert_array_equal(frame["ts"].to_numpy(), expected)
    assert frame["qname"].astype(object).tolist() == [r["domain"] for r in reference]
    # The Pi-hole header is recognised: FTL query-type codes become names (1=A, 2=AAAA, ...).
    ftl = {"1": "A", "2": "AAAA", "4": "SRV", "6": "PTR", "16": "HTTPS"}
    assert frame["qtype"].astype(object).tolist() == [ftl[r["type"]] for r in reference]
    assert frame.attrs["ingest"]["format"] == "pihole"
