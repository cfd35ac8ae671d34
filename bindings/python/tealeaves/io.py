"""Reading DNS logs into a DataFrame, and splitting it into one EventSeries per (client, qname).

Formats (``format=``): ``"zeek"`` / ``"zeek-tsv"`` (Zeek ASCII dns.log), ``"zeek-json"`` /
``"json"`` (Zeek JSON lines), ``"csv"`` (a header naming ts/client/qname columns, or an explicit
``columns=`` mapping), ``"pihole"`` (a Pi-hole query export: CSV ``time,client,domain,type,status``
whose numeric FTL query types become names), ``"bind"`` / ``"querylog"`` (BIND query-log lines:
``DD-Mon-YYYY HH:MM:SS.fff [queries: info:] client [@0x..] IP#PORT [(NAME)]: [view V:] query:
NAME CLASS TYPE FLAGS (SERVER)``, BIND 9.9 to 9.18, or an ISO-8601 clock; syslog-prefixed lines
lack a year and are rejected), ``"parquet"`` (via pyarrow, with the same column mapping; each row
counts as a line), or ``"auto"`` (sniffed from the first line, or Parquet's magic bytes). The C++
engine parses the text formats; nothing is dropped silently: every line is counted as used,
rejected (with its line number and reason) or meta (headers, comments, blank lines), and rejected
lines raise a :class:`RejectedLinesWarning`.

Times. Epoch numbers and date-times with ``Z`` or an offset are exact. Wall-clock date-times
without a zone (BIND's default clock, Pi-hole and most spreadsheet exports, tz-naive Parquet
timestamps) are read as UTC unless ``tz=`` (an IANA zone name or ``tzinfo``; DST-aware through
:mod:`zoneinfo`) or ``utc_offset=`` (a fixed offset east of UTC, in seconds or a ``timedelta``)
says where the clock was. In a DST change, a repeated wall-clock time is taken at its first
occurrence and a skipped one with the offset in force before the change (``zoneinfo`` with
``fold=0``).

Names. Query names and clients are kept byte for byte: markup such as ``<script>`` is kept as
written (escaping is the report's job), NUL bytes are kept, and bytes that are not valid UTF-8
become ``\\xHH`` text (Python's ``backslashreplace``, the way Zeek itself writes them), so every
name can be printed and written to JSON. The engine's tables hold the raw bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._formats import FORMATS
from ._validation import check_choice, check_count

if TYPE_CHECKING:
    import pandas as pd

    from .series import EventSeries

ROLES = ("ts", "client", "qname", "qtype", "rcode", "ttl")
QTYPE_CODES = ("auto", "as-written", "pihole")

__all__ = [
    "FORMATS",
    "RejectedLinesWarning",
    "group_series",
    "parse_log",
    "read_log",
    "wall_clock_to_utc",
]


class RejectedLinesWarning(UserWarning):
    """Some lines of a log were malformed and left out; details in ``df.attrs["ingest"]``."""


def read_log(
    path: str | os.PathLike[str],
    format: str = "auto",
    *,
    strict: bool = False,
    columns: dict[str, str] | None = None,
    tz: str | dt.tzinfo | None = None,
    utc_offset: float | dt.timedelta | None = None,
    qtype_codes: str = "auto",
) -> pd.DataFrame:
    """Read a DNS lookup log into a DataFrame, one row per lookup.

    Parameters
    ----------
    path : str or os.PathLike
        The log file, read in one go.
    format : {"auto", "zeek", "zeek-tsv", "zeek-json", "json", "csv", "pihole", "bind", \
"querylog", "parquet"}
    strict : bool
        Raise ``ValueError("line N: reason")`` at the first malformed line (``"row N"`` for
        Parquet) instead of rejecting it with a warning.
    columns : dict, optional
        CSV / Parquet column mapping from the roles ``ts``, ``client``, ``qname``, ``qtype``,
        ``rcode``, ``ttl`` to header names (case-insensitive), e.g. Pi-hole's
        ``{"ts": "time", "client": "client", "qname": "domain", "qtype": "type"}``. Roles left
        out are found through the usual aliases (ts/time/timestamp, client/src/src_ip, ...).
    tz : str or datetime.tzinfo, optional
        The zone of wall-clock times written without one (IANA name such as
        ``"America/New_York"``; DST-aware). Rows whose time carries a zone are not touched.
    utc_offset : float or datetime.timedelta, optional
        A fixed offset east of UTC (seconds) instead of ``tz``: utc = wall clock - utc_offset.
    qtype_codes : {"auto", "as-written", "pihole"}
        Read a numeric qtype column as Pi-hole FTL codes (1=A, 2=AAAA, ..., 16=HTTPS; other
        numbers become ``"FTL<n>"``) or as written; "auto" decodes for the pihole format only.

    Returns
    -------
    pandas.DataFrame
        ``ts`` (float64 epoch seconds, UTC), ``client``, ``qname``, ``qtype`` (categoricals;
        qtype is NaN when the log has none), ``rcode`` (nullable Int32) and ``ttl`` (float64
        minimum answer TTL, NaN when absent). ``df.attrs["ingest"]`` holds ``path``, ``format``
        (the one used), ``lines_read``, ``lines_used``, ``lines_rejected``, ``lines_meta``,
        ``rejected`` (a list of ``(line, reason)`` for the first 1000 rejected lines),
        ``local_rows`` (rows whose time was a zone-less wall clock) and ``tz`` (the zone or
        offset applied to them, None when read as UTC).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path: expected a str or os.PathLike, got {type(path).__name__}")
    name = os.fsdecode(os.fspath(path))
    options = _check_options(format, strict, columns, tz, utc_offset, qtype_codes)
    if not os.path.exists(name):
        raise FileNotFoundError(f"path: no such file: {name!r}")
    if format == "parquet" or (format == "auto" and _is_parquet(name)):
        raw = _read_parquet(name, columns, strict, qtype_codes == "pihole")
    else:
        raw = _core.ingest.read_log(name, format=format, strict=strict, **options)
    return _frame(raw, name, tz, utc_offset)


def parse_log(
    text: str | bytes,
    format: str = "auto",
    *,
    strict: bool = False,
    columns: dict[str, str] | None = None,
    tz: str | dt.tzinfo | None = None,
    utc_offset: float | dt.timedelta | None = None,
    qtype_codes: str = "auto",
) -> pd.DataFrame:
    """As :func:`read_log`, for a log already in memory; ``attrs["ingest"]["path"]`` is None."""
    if not isinstance(text, (str, bytes)):
        raise TypeError(f"text: expected str or bytes, got {type(text).__name__}")
    if format == "parquet":
        raise ValueError("format: parquet is read from a file; use read_log")
    options = _check_options(format, strict, columns, tz, utc_offset, qtype_codes)
    raw = _core.ingest.parse_log(text, format=format, strict=strict, **options)
    return _frame(raw, None, tz, utc_offset)


def group_series(
    frame: pd.DataFrame, *, min_events: int = 1, window: str = "log", **series_options: Any
) -> dict[tuple[str, str], EventSeries]:
    """One :class:`~tealeaves.EventSeries` per (client, qname), the busiest first.

    Parameters
    ----------
    frame : pandas.DataFrame
        With ``ts`` (epoch seconds), ``client`` and ``qname`` columns, as from :func:`read_log`
        (a filtered subset is fine).
    min_events : int
        Leave out series with fewer events.
    window : {"log", "series"}
        The observation window of every series. "log" (default): the span of the whole frame,
        from its first to its last lookup, because the log was recording all along and a client
        that stays silent for hours is information, not missing data. "series": each series'
        own first and last event. Explicit ``start``/``end`` options override either.
    **series_options
        Passed to ``EventSeries`` (e.g. ``duplicates="collapse"``); times are always sorted
        (``sort=True``), the count of out-of-order lines is in each series' ``repairs``.

    Returns
    -------
    dict
        ``{(client, qname): EventSeries}`` ordered by descending event count, ties in the order
        the pairs' names first appear in the log.
    """
    import pandas as pd

    from .series import EventSeries

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in ("ts", "client", "qname") if c not in frame.columns]
    if missing:
        raise ValueError(f"frame: lacks the column(s) {', '.join(missing)}")
    check_count(min_events, "min_events", 1)
    check_choice(window, "window", ("log", "series"))
    if "sort" in series_options:
        raise TypeError("sort: group_series always sorts each series' times")
    ts = frame["ts"].to_numpy(dtype=np.float64)
    if window == "log" and len(ts):
        series_options.setdefault("start", float(np.min(ts)))
        series_options.setdefault("end", float(np.max(ts)))
    client_codes, client_names = _codes(frame["client"])
    qname_codes, qname_names = _codes(frame["qname"])
    key = client_codes.astype(np.int64) * (len(qname_names) + 1) + qname_codes
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]]) if len(key) else []
    bounds = np.r_[starts, len(key)].astype(np.int64)
    counts = np.diff(bounds)
    first_rows = order[bounds[:-1]]
    rank = np.lexsort((qname_codes[first_rows], client_codes[first_rows], -counts))
    groups: dict[tuple[str, str], EventSeries] = {}
    for g in rank:
        if counts[g] < min_events:
            break  # ranked by count: the rest are smaller still
        rows = order[bounds[g] : bounds[g + 1]]
        row = first_rows[g]
        name = (str(client_names[client_codes[row]]), str(qname_names[qname_codes[row]]))
        groups[name] = EventSeries(ts[rows], sort=True, **series_options)
    return groups


def _check_options(
    format: Any, strict: Any, columns: Any, tz: Any, utc_offset: Any, qtype_codes: Any
) -> dict[str, Any]:
    """Validates the reading options; returns the engine's keyword arguments."""
    check_choice(format, "format", FORMATS)
    if not isinstance(strict, (bool, np.bool_)):
        raise TypeError(f"strict: expected a bool, got {type(strict).__name__}")
    check_choice(qtype_codes, "qtype_codes", QTYPE_CODES)
    if columns is not None:
        if not isinstance(columns, dict):
            raise TypeError(f"columns: expected a dict, got {type(columns).__name__}")
        for role, name in columns.items():
            if role not in ROLES:
                raise ValueError(f"columns: unknown role {role!r}; expected one of {ROLES}")
            if not isinstance(name, str) or not name:
                raise ValueError(f"columns: the {role} column name must be a non-empty str")
        if format not in ("auto", "csv", "pihole", "parquet"):
            raise ValueError(f"columns: only for csv, pihole and parquet, not {format!r}")
    if tz is not None and utc_offset is not None:
        raise ValueError("tz: give tz or utc_offset, not both")
    if tz is not None:
        _zone(tz)  # fails early on an unknown name
    _offset_seconds(utc_offset)
    return {"columns": columns, "qtype_codes": qtype_codes}


def _zone(tz: Any) -> dt.tzinfo:
    if isinstance(tz, dt.tzinfo):
        return tz
    if not isinstance(tz, str):
        raise TypeError(f"tz: expected an IANA zone name or a tzinfo, got {type(tz).__name__}")
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"tz: unknown time zone {tz!r}") from error


def _offset_seconds(utc_offset: Any) -> float:
    if utc_offset is None:
        return 0.0
    if isinstance(utc_offset, dt.timedelta):
        seconds = utc_offset.total_seconds()
    elif isinstance(utc_offset, (int, float, np.integer, np.floating)) and not isinstance(
        utc_offset, (bool, np.bool_)
    ):
        seconds = float(utc_offset)
    else:
        raise TypeError(
            f"utc_offset: expected seconds or a timedelta, got {type(utc_offset).__name__}"
        )
    if not (np.isfinite(seconds) and abs(seconds) <= 18 * 3600):
        raise ValueError(f"utc_offset: must be within +-18 hours (64800 s), got {seconds}")
    return seconds


# The CSV reader's header aliases (csv.cpp), in priority order.
_ALIASES = {
    "ts": ("ts", "time", "timestamp", "ts_epoch_s"),
    "client": ("client", "src", "src_ip", "id.orig_h"),
    "qname": ("qname", "query", "domain", "name"),
    "qtype": ("qtype_name", "qtype", "type"),
    "rcode": ("rcode",),
    "ttl": ("ttl",),
}
_RCODES = ("NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED")
_RCODES += ("YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE")
_PIHOLE_QTYPES = (None, "A", "AAAA", "ANY", "SRV", "SOA", "PTR", "TXT", "NAPTR", "MX", "DS")
_PIHOLE_QTYPES += ("RRSIG", "DNSKEY", "NS", "OTHER", "SVCB", "HTTPS")


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError as error:
        raise ImportError(
            "format: reading Parquet needs pyarrow (pip install 'pyarrow>=14')"
        ) from error
    return pq


def _map_columns(names: list[str], columns: dict[str, str] | None, path: str) -> dict[str, str]:
    """Role -> column name: the explicit mapping first, then aliases among the free columns."""
    lower = {n.lower(): n for n in reversed(names)}  # the first spelling wins
    chosen: dict[str, str] = {}
    for role, wanted in (columns or {}).items():
        if wanted.lower() not in lower:
            raise ValueError(f"columns: {role}: no column {wanted!r}; found: {', '.join(names)}")
        chosen[role] = lower[wanted.lower()]
    if len(set(chosen.values())) < len(chosen):
        raise ValueError("columns: one column is mapped to two roles")
    for role, aliases in _ALIASES.items():
        if role in chosen:
            continue
        free = [lower[a] for a in aliases if a in lower and lower[a] not in chosen.values()]
        if free:
            chosen[role] = free[0]
        elif role in ("ts", "client", "qname"):
            raise ValueError(f"path: Parquet file lacks a {role} column; found: {', '.join(names)}")
    return chosen


def _read_parquet(
    path: str, columns: dict[str, str] | None, strict: bool, pihole_codes: bool
) -> dict[str, Any]:
    """The engine's table dict for a Parquet file; "lines" are 1-based rows."""
    import pandas as pd
    import pyarrow as pa

    pq = _pyarrow_parquet()
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        raise ValueError(f"path: cannot read {path!r} as Parquet: {error}") from error
    chosen = _map_columns(table.column_names, columns, path)
    n = table.num_rows
    reasons: list[str | None] = [None] * n

    def reject(mask: np.ndarray, reason: str) -> None:
        for i in np.flatnonzero(mask):
            if reasons[i] is None:
                reasons[i] = reason

    ts, local = _parquet_times(table.column(chosen["ts"]), reject, chosen["ts"])
    text = {}
    for role in ("client", "qname", "qtype"):
        if role not in chosen:
            continue
        column = table.column(chosen[role])
        if role == "qtype" and pa.types.is_integer(
            column.type.value_type if pa.types.is_dictionary(column.type) else column.type
        ):
            numbers = pd.array(column.to_pandas(), dtype="Int64")
            values = np.array(
                [
                    None
                    if v is pd.NA
                    else (
                        (_PIHOLE_QTYPES[v] if 0 < v < len(_PIHOLE_QTYPES) else f"FTL{v}")
                        if pihole_codes
                        else str(v)
                    )
                    for v in numbers
                ],
                dtype=object,
            )
        else:
            values = column.cast(pa.string()).to_numpy(zero_copy_only=False).astype(object)
        missing = pd.isna(values)
        if role != "qtype":
            reject(missing, f"{chosen[role]}: null")
        if role == "client":
            reject(values == "", f"{chosen[role]}: empty")
        text[role] = values
    rcode = np.full(n, -1, dtype=np.int32)
    if "rcode" in chosen:
        label = chosen["rcode"]
        for i, v in enumerate(table.column(label).to_pylist()):
            code = None if v is None else _rcode(v)
            if code is not None:
                rcode[i] = code
            elif v is not None and reasons[i] is None:
                reasons[i] = f"{label}: cannot parse {str(v)[:40]!r}"
    ttl = np.full(n, np.nan)
    if "ttl" in chosen:
        column = table.column(chosen["ttl"])
        if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
            raise ValueError(f"path: the ttl column {chosen['ttl']!r} is not numeric")
        ttl = column.to_numpy(zero_copy_only=False).astype(np.float64)
    bad = np.array([r is not None for r in reasons], dtype=bool)
    rejected = [(i + 1, r) for i, r in enumerate(reasons) if r is not None]
    if strict and rejected:
        raise ValueError(f"row {rejected[0][0]}: {rejected[0][1]}")
    keep = ~bad
    raw: dict[str, Any] = {"ts": ts[keep], "local": local[keep], "rcode": rcode[keep]}
    raw["ttl"] = ttl[keep]
    for role, plural in (("client", "clients"), ("qname", "qnames"), ("qtype", "qtypes")):
        if role in text:
            codes, uniques = pd.factorize(text[role][keep], sort=False)
            raw[role], raw[plural] = codes.astype(np.int32), [str(u) for u in uniques]
        else:
            raw[role], raw[plural] = np.full(int(keep.sum()), -1, dtype=np.int32), []
    raw.update(
        lines_read=n,
        lines_used=int(keep.sum()),
        lines_rejected=len(rejected),
        lines_meta=0,
        rejected=rejected[:1000],
        format="parquet",
    )
    return raw


def _rcode(value: Any) -> int | None:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value) if 0 <= value < 2**31 else None
    if isinstance(value, str):
        if value.isdigit():
            return int(value) if int(value) < 2**31 else None
        return _RCODES.index(value) if value in _RCODES else None
    return None


def _parquet_times(column: Any, reject: Any, label: str) -> tuple[np.ndarray, np.ndarray]:
    """Epoch seconds and the wall-clock mask of a Parquet time column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    n = len(column)
    if pa.types.is_timestamp(kind):
        # Integer ticks since the epoch in the column's unit; a zone-less one is a wall clock.
        scale = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[kind.unit]
        ticks = column.cast(pa.int64())
        values = ticks.to_numpy(zero_copy_only=False)
        missing = np.asarray(pc.is_null(ticks).to_numpy(zero_copy_only=False), dtype=bool)
        seconds = np.where(missing, 0, values).astype(np.int64)
        whole = np.floor_divide(seconds, int(scale))
        ts = whole.astype(np.float64) + (seconds - whole * int(scale)) / scale
        local = np.full(n, kind.tz is None)
    elif pa.types.is_integer(kind) or pa.types.is_floating(kind):
        ts = column.to_numpy(zero_copy_only=False).astype(np.float64)
        missing = ~np.isfinite(ts)
        local = np.zeros(n, dtype=bool)
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_dictionary(kind):
        texts = column.cast(pa.string()).to_pylist()
        missing = np.array([t is None for t in texts], dtype=bool)
        ts, zone_less, ok = _core.ingest.parse_timestamps([t or "" for t in texts])
        local = zone_less.astype(bool)
        reject(~missing & ~ok.astype(bool), f"{label}: cannot parse as a time")
        missing |= ~ok.astype(bool)
    else:
        raise ValueError(f"path: the time column {label!r} has type {kind}, not a time")
    reject(missing, f"{label}: null or not finite")
    return np.where(missing, np.nan, ts), local


def _is_parquet(name: str) -> bool:
    try:
        with open(name, "rb") as file:
            return file.read(4) == b"PAR1"
    except OSError:
        return False


def wall_clock_to_utc(wall: np.ndarray, tz: str | dt.tzinfo) -> np.ndarray:
    """Epoch seconds of wall-clock readings in zone ``tz``; ``wall`` holds them read as UTC.

    DST-aware through :mod:`zoneinfo`, with ``fold=0``: a repeated time is taken at its first
    occurrence, a skipped one with the offset in force before the change. The offset is looked
    up once per distinct minute, and per second in minutes where it changes.
    """
    zone = _zone(tz)
    wall = np.asarray(wall, dtype=np.float64)
    epoch = dt.datetime(1970, 1, 1)

    def offset(seconds: float) -> float:
        stamp = (epoch + dt.timedelta(seconds=seconds)).replace(tzinfo=zone)
        delta = stamp.utcoffset()
        return 0.0 if delta is None else delta.total_seconds()

    out = np.empty_like(wall)
    if wall.size == 0:
        return out
    minutes, index = np.unique(np.floor(wall / 60.0), return_inverse=True)
    start = np.array([offset(m * 60.0) for m in minutes])
    end = np.array([offset(m * 60.0 + 59.0) for m in minutes])
    out[:] = wall - start[index]
    for k in np.flatnonzero(start != end):  # a transition inside this minute
        rows = np.flatnonzero(index == k)
        out[rows] = [w - offset(float(np.floor(w))) for w in wall[rows]]
    return out


def _codes(column: pd.Series) -> tuple[np.ndarray, Any]:
    """Integer codes and their names; categoricals keep their (first-seen) category order."""
    import pandas as pd

    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, names = column.cat.codes.to_numpy(), column.cat.categories
    else:
        codes, names = pd.factorize(column, sort=False)
    if len(codes) and codes.min() < 0:
        raise ValueError(f"frame: column {column.name} has missing values")
    return codes, names


def _frame(
    raw: dict[str, Any], path: str | None, tz: Any = None, utc_offset: Any = None
) -> pd.DataFrame:
    import pandas as pd

    ts = np.asarray(raw["ts"], dtype=np.float64)
    local = np.asarray(raw["local"], dtype=bool)
    applied: str | None = None
    if tz is not None:
        if local.any():
            ts = ts.copy()
            ts[local] = wall_clock_to_utc(ts[local], tz)
        applied = str(getattr(tz, "key", tz))
    elif utc_offset is not None:
        seconds = _offset_seconds(utc_offset)
        if local.any():
            ts = ts.copy()
            ts[local] -= seconds
        applied = f"UTC{seconds / 3600:+g}h"
    rcode = raw["rcode"]
    columns = {
        "ts": ts,
        "client": pd.Categorical.from_codes(raw["client"], categories=raw["clients"]),
        "qname": pd.Categorical.from_codes(raw["qname"], categories=raw["qnames"]),
        "qtype": pd.Categorical.from_codes(raw["qtype"], categories=raw["qtypes"]),
        "rcode": pd.arrays.IntegerArray(rcode, rcode < 0),
        "ttl": raw["ttl"],
    }
    frame = pd.DataFrame(columns, copy=False)
    frame.attrs["ingest"] = {
        "path": path,
        "format": raw["format"],
        **{k: raw[k] for k in ("lines_read", "lines_used", "lines_rejected", "lines_meta")},
        "rejected": raw["rejected"],
        "local_rows": int(local.sum()),
        "tz": applied,
    }
    n = raw["lines_rejected"]
    if n:
        line, reason = raw["rejected"][0]
        source = path if path is not None else "text"
        warnings.warn(
            f"{source}: {n} malformed line{'s' if n > 1 else ''} rejected, the first at line "
            f"{line} ({reason}); see df.attrs['ingest']['rejected']",
            RejectedLinesWarning,
            stacklevel=3,
        )
    return frame
