"""Reading DNS logs into a DataFrame, and splitting it into one EventSeries per (client, qname).

Formats (``format=``): ``"zeek"`` / ``"zeek-tsv"`` (Zeek ASCII dns.log), ``"zeek-json"`` /
``"json"`` (Zeek JSON lines), ``"csv"`` (a header naming ts/client/qname columns), or
``"auto"`` (sniffed from the first line). The C++ engine does the parsing; nothing is dropped
silently: every line is counted as used, rejected (with its line number and reason) or meta
(headers, comments, blank lines), and rejected lines raise a :class:`RejectedLinesWarning`.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._validation import check_choice, check_count

if TYPE_CHECKING:
    import pandas as pd

    from .series import EventSeries

FORMATS = ("auto", "zeek", "zeek-tsv", "zeek-json", "json", "csv")

__all__ = ["FORMATS", "RejectedLinesWarning", "group_series", "parse_log", "read_log"]


class RejectedLinesWarning(UserWarning):
    """Some lines of a log were malformed and left out; details in ``df.attrs["ingest"]``."""


def read_log(
    path: str | os.PathLike[str], format: str = "auto", *, strict: bool = False
) -> pd.DataFrame:
    """Read a DNS lookup log into a DataFrame, one row per lookup.

    Parameters
    ----------
    path : str or os.PathLike
        The log file, read in one go.
    format : {"auto", "zeek", "zeek-tsv", "zeek-json", "json", "csv"}
    strict : bool
        Raise ``ValueError("line N: reason")`` at the first malformed line instead of
        rejecting it with a warning.

    Returns
    -------
    pandas.DataFrame
        ``ts`` (float64 epoch seconds, UTC; date-times without an offset are taken as UTC),
        ``client``, ``qname``, ``qtype`` (categoricals; qtype is NaN when the log has none),
        ``rcode`` (nullable Int32) and ``ttl`` (float64 minimum answer TTL, NaN when absent).
        ``df.attrs["ingest"]`` holds ``path``, ``format`` (the one used), ``lines_read``,
        ``lines_used``, ``lines_rejected``, ``lines_meta`` and ``rejected``, a list of
        ``(line, reason)`` for the first 1000 rejected lines.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path: expected a str or os.PathLike, got {type(path).__name__}")
    name = os.fsdecode(os.fspath(path))
    _check_options(format, strict)
    if not os.path.exists(name):
        raise FileNotFoundError(f"path: no such file: {name!r}")
    raw = _core.ingest.read_log(name, format=format, strict=strict)
    return _frame(raw, name)


def parse_log(text: str | bytes, format: str = "auto", *, strict: bool = False) -> pd.DataFrame:
    """As :func:`read_log`, for a log already in memory; ``attrs["ingest"]["path"]`` is None."""
    if not isinstance(text, (str, bytes)):
        raise TypeError(f"text: expected str or bytes, got {type(text).__name__}")
    _check_options(format, strict)
    return _frame(_core.ingest.parse_log(text, format=format, strict=strict), None)


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


def _check_options(format: Any, strict: Any) -> None:
    check_choice(format, "format", FORMATS)
    if not isinstance(strict, (bool, np.bool_)):
        raise TypeError(f"strict: expected a bool, got {type(strict).__name__}")


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


def _frame(raw: dict[str, Any], path: str | None) -> pd.DataFrame:
    import pandas as pd

    rcode = raw["rcode"]
    columns = {
        "ts": raw["ts"],
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
