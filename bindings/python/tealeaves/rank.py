"""Rank every series of a DNS log: the verdict of each, with q-values across all of them.

:func:`rank` groups the lookups of a log by (client, qname) (or other keys), scores every
series with at least ``min_events`` lookups in one multithreaded C++ pass (the verdict of
:mod:`tealeaves.verdict`, its strongest spectral line, burstiness B and memory M, rate and span)
and corrects the verdicts' p-values for having looked at all of them.

What the numbers mean
---------------------
``p_any`` is the verdict's family p-value for "anything here but chance" (the smaller of the
machine family -- spectral lines against a smooth spectrum, the TTL floor against Poisson gaps
-- and the human family -- daily-hour and weekday rhythm against rotated / permuted days, or
self-excitation when the log spans under two days -- Bonferroni over the two families, each
already Bonferroni-corrected inside). ``q_value`` is the Benjamini-Hochberg adjustment (or the
chosen ``q_method``) of the ``p_any`` of **every series scored**: all series with at least
``min_events`` lookups (``n_tested`` of them). Series with fewer lookups are counted in
``n_skipped`` and get no p-value. So picking the most striking pair out of thousands is paid
for. ``p_line`` is the global p (Sidak over every ordinate searched) of the strongest
whole-series spectral line, ``period_s`` the machine's period (NaN when none).

Every series is observed over the whole log's span (a quiet client is information, as in
``group_series(window="log")``) and binned with one width for all: the verdict's automatic width
of that span, refined to keep at least 1024 bins for short logs (``bin_width`` in the result).
Results are bit-identical for any thread count and any order of the log's rows: series are put
in a canonical order (most lookups first, then by name) and series ``i`` gets the verdict seed
``Rng(seed, i)``.
"""

from __future__ import annotations

import html
import math
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._formats import FORMATS
from ._validation import check_choice, check_count

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RankResult", "rank"]

Q_METHODS = ("bh", "by", "holm", "bonferroni")

# Columns of RankResult.table after the key columns, in order.
COLUMNS = (
    "n_events",
    "start",
    "end",
    "span",
    "rate",
    "verdict",
    "period_s",
    "line_period_s",
    "p_line",
    "p_machine",
    "p_human",
    "p_any",
    "burstiness",
    "memory",
    "q_value",
    "seed",
)


@dataclass(frozen=True, eq=False)
class RankResult:
    """Every scored series of a log, most significant first (by q-value, then p_any).

    ``table`` has one row per series with at least ``min_events`` lookups: the key columns
    (``client``, ``qname`` by default), ``n_events``, ``start``/``end`` (epoch s, first and last
    lookup), ``span`` (s), ``rate`` (lookups per second over the log's span), ``verdict``
    (periodic, human, mixed, random), ``period_s``, ``line_period_s``, ``p_line``,
    ``p_machine``, ``p_human``, ``p_any``, ``burstiness`` (Goh-Barabasi B), ``memory`` (M),
    ``q_value`` and ``seed`` (the verdict's seed). See the module docstring for what each p and q
    accounts for (``null`` says it in one sentence).
    """

    table: pd.DataFrame
    keys: tuple[str, ...]
    n_series: int
    n_skipped: int
    n_tested: int
    q_method: str
    null: str
    alpha: float
    bin_width: float
    seed: int
    min_events: int
    window_start: float
    window_end: float
    ingest: dict[str, Any] | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.table)

    def to_pandas(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()

    def significant(self, level: float | None = None) -> pd.DataFrame:
        """Rows with q_value below ``level`` (default: alpha)."""
        level = self.alpha if level is None else float(level)
        return self.table[self.table["q_value"] < level]

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """The table as CSV (floats written to round-trip exactly)."""
        self.table.to_csv(path, index=False, float_format="%.17g")

    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """The table as Parquet (needs pyarrow)."""
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ImportError("to_parquet: needs pyarrow (pip install pyarrow)") from None
        self.table.to_parquet(path, index=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain types; NaN becomes None."""
        rows = []
        for record in self.table.to_dict(orient="records"):
            rows.append({k: _plain(v) for k, v in record.items()})
        return {
            "tool": "tealeaves",
            "kind": "rank",
            "keys": list(self.keys),
            "input": None
            if self.ingest is None
            else {k: _plain(v) for k, v in self.ingest.items()},
            "n_series": self.n_series,
            "n_skipped": self.n_skipped,
            "n_tested": self.n_tested,
            "min_events": self.min_events,
            "q_method": self.q_method,
            "null": self.null,
            "alpha": self.alpha,
            "bin_width": self.bin_width,
            "seed": self.seed,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "series": rows,
        }

    def plot(self, ax: Any = None) -> Any:
        """Every series with a period: period (log x) against -log10 q, one colour per verdict;
        the dashed line is q = alpha. Returns the axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        t = self.table[self.table["period_s"].notna()]
        floor = np.finfo(float).tiny
        for label, part in t.groupby("verdict", sort=True):
            ax.scatter(
                part["period_s"],
                -np.log10(np.maximum(part["q_value"].to_numpy(), floor)),
                s=12,
                label=str(label),
            )
        ax.axhline(-np.log10(self.alpha), color="grey", linestyle="--", linewidth=1)
        ax.set_xscale("log")
        ax.set_xlabel("period (s)")
        ax.set_ylabel("-log10 q")
        ax.set_title(f"{self.n_tested} series scored, q by {self.q_method}")
        if len(t):
            ax.legend(loc="best", fontsize="small")
        return ax

    def _repr_html_(self, max_rows: int = 20) -> str:
        head = (
            f"<b>tealeaves rank</b>: {self.n_tested} series scored "
            f"({self.n_skipped} with fewer than {self.min_events} lookups skipped), "
            f"q-values by {html.escape(self.q_method)}"
        )
        shown = self.table.head(max_rows)
        cols = list(shown.columns)
        header = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_fmt(row[c]))}</td>" for c in cols) + "</tr>"
            for _, row in shown.iterrows()
        )
        more = (
            f"<p>... {len(self.table) - max_rows} more rows</p>"
            if len(self.table) > max_rows
            else ""
        )
        return f"{head}<table><tr>{header}</tr>{body}</table>{more}"

    def __repr__(self) -> str:
        return (
            f"RankResult({self.n_tested} series scored, {self.n_skipped} skipped, "
            f"{int((self.table['q_value'] < self.alpha).sum())} with q < {self.alpha})"
        )


def _plain(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _fmt(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:.4g}"
    return str(value)


def rank(
    log: str | os.PathLike[str] | pd.DataFrame,
    *,
    keys: tuple[str, ...] | list[str] = ("client", "qname"),
    min_events: int = 20,
    threads: int = 0,
    seed: int = 0,
    alpha: float = 0.01,
    format: str = "auto",
    tz: str | None = None,
    q_method: str = "bh",
    duplicates: str = "keep",
    duplicate_tolerance: float = 0.0,
    bin_width: float = 0.0,
    n_surrogates: int = 999,
    progress: Callable[[int, int], object] | None = None,
) -> RankResult:
    """Score every series of a log and rank them by q-value.

    Parameters
    ----------
    log : str, os.PathLike or pandas.DataFrame
        A log file (read by the engine; see :func:`tealeaves.io.read_log` for the formats) or a
        frame from ``read_log`` (a filtered subset is fine).
    keys : tuple of str
        One or two columns that define a series (default ``("client", "qname")``), e.g.
        ``("qname",)`` or ``("client", "qtype")``. Rows with a missing key are left out.
    min_events : int
        Series with fewer lookups are counted but not scored.
    threads : int
        Series scored in parallel (0: all cores). Results do not depend on it.
    seed : int
        Base seed of the verdicts' Monte-Carlo tests.
    alpha : float
        The verdict's level (each family), in (0, 1).
    format, tz
        As for :func:`tealeaves.io.read_log` (ignored for a DataFrame).
    q_method : {"bh", "by", "holm", "bonferroni"}
        Correction over the p_any of all scored series.
    duplicates : {"keep", "collapse"}
        Merge lookups within ``duplicate_tolerance`` s of a run's first (Zeek double-logging);
        ``n_events`` still counts every lookup.
    bin_width : float
        Seconds per bin of every series' spectrum; 0 picks one from the log's span.
    n_surrogates : int
        Monte-Carlo size of the verdict's rhythm tests.
    progress : callable, optional
        Called as ``progress(done, total)`` (series scored so far, series to score) about five
        times a second while scoring; an exception from it (e.g. KeyboardInterrupt) cancels
        the ranking and propagates.
    """
    import pandas as pd

    keys = _check_keys(keys)
    check_count(min_events, "min_events", 1)
    check_count(threads, "threads", 0)
    check_count(seed, "seed", 0)
    check_count(n_surrogates, "n_surrogates", 1)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)):
        raise TypeError(f"alpha: expected a number, got {type(alpha).__name__}")
    if not 0.0 < float(alpha) < 1.0:
        raise ValueError(f"alpha: must lie in (0, 1), got {alpha!r}")
    check_choice(q_method, "q_method", Q_METHODS)
    check_choice(duplicates, "duplicates", ("keep", "collapse"))
    check_choice(format, "format", FORMATS)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress: expected a callable, got {type(progress).__name__}")
    options = dict(
        progress=progress,
        min_events=int(min_events),
        threads=int(threads),
        seed=int(seed),
        alpha=float(alpha),
        q_method=q_method,
        duplicates=duplicates,
        duplicate_tolerance=float(duplicate_tolerance),
        bin_width=float(bin_width),
        n_surrogates=int(n_surrogates),
    )

    if isinstance(log, pd.DataFrame):
        return _rank_frame(log, keys, options, log.attrs.get("ingest"), {})
    if not isinstance(log, (str, os.PathLike)):
        raise TypeError(
            f"log: expected a path or a pandas DataFrame from read_log, got {type(log).__name__}"
        )
    path = os.fsdecode(os.fspath(log))
    if not os.path.exists(path):
        raise FileNotFoundError(f"log: no such file: {path!r}")
    if keys == ("client", "qname") and tz is None and format != "parquet":
        from .io import _is_parquet

        if not (format == "auto" and _is_parquet(path)):
            raw = _core.batch.rank_file(path, format=format, **options)
            ingest = dict(raw["ingest"])
            ingest["path"] = path
            ingest["rejected"] = [list(r) for r in ingest["rejected"]]
            seconds = {"ingest": raw["seconds_ingest"], "rank": raw["seconds_rank"]}
            if ingest["lines_rejected"]:
                warnings.warn(
                    f"{path}: {ingest['lines_rejected']} malformed line(s) rejected",
                    stacklevel=2,
                )
            return _result(raw, keys, options, ingest, seconds)
    from .io import read_log

    t0 = time.perf_counter()
    frame = read_log(path, format=format, tz=tz)
    seconds = {"ingest": time.perf_counter() - t0}
    return _rank_frame(frame, keys, options, frame.attrs.get("ingest"), seconds)


def _check_keys(keys: Any) -> tuple[str, ...]:
    if isinstance(keys, str):
        keys = tuple(k.strip() for k in keys.split(",") if k.strip())
    if not isinstance(keys, (tuple, list)) or not all(isinstance(k, str) for k in keys):
        raise TypeError("keys: expected a tuple of column names")
    keys = tuple(keys)
    if not 1 <= len(keys) <= 2 or len(set(keys)) != len(keys):
        raise ValueError(f"keys: expected one or two distinct column names, got {keys!r}")
    return keys


def _rank_frame(
    frame: pd.DataFrame,
    keys: tuple[str, ...],
    options: dict[str, Any],
    ingest: dict[str, Any] | None,
    seconds: dict[str, float],
) -> RankResult:
    import pandas as pd

    missing = [c for c in ("ts", *keys) if c not in frame.columns]
    if missing:
        raise ValueError(f"log: the frame lacks the column(s) {', '.join(missing)}")
    ts = frame["ts"].to_numpy(dtype=np.float64)
    codes = []
    names = []
    keep = np.ones(len(frame), dtype=bool)
    for k in keys:
        c, uniques = pd.factorize(frame[k], sort=False)
        codes.append(c)
        names.append([str(u) for u in uniques])
        keep &= c >= 0
    if len(keys) == 1:
        codes.append(np.zeros(len(frame), dtype=np.int64))
        names.append([""])
    if not keep.all():
        ts = ts[keep]
        codes = [c[keep] for c in codes]
    t0 = time.perf_counter()
    raw = _core.batch.rank_columns(
        np.ascontiguousarray(ts),
        np.ascontiguousarray(codes[0], dtype=np.int32),
        np.ascontiguousarray(codes[1], dtype=np.int32),
        names[0],
        names[1],
        **options,
    )
    seconds = {**seconds, "rank": time.perf_counter() - t0}
    info = None
    if ingest is not None:
        info = {k: v for k, v in ingest.items() if k != "rejected"}
        info["rejected"] = [list(r) for r in ingest.get("rejected", [])]
    info = info or {}
    info["rows_without_key"] = int((~keep).sum())
    info["rows_ranked"] = int(keep.sum())
    return _result(raw, keys, options, info, seconds)


def _result(
    raw: dict[str, Any],
    keys: tuple[str, ...],
    options: dict[str, Any],
    ingest: dict[str, Any] | None,
    seconds: dict[str, float],
) -> RankResult:
    import pandas as pd

    data: dict[str, Any] = {keys[0]: raw["client"]}
    if len(keys) == 2:
        data[keys[1]] = raw["qname"]
    for c in COLUMNS:
        data[c] = raw[c]
    table = pd.DataFrame(data)
    table["n_events"] = table["n_events"].astype(np.int64)
    table["seed"] = table["seed"].astype(np.uint64)
    return RankResult(
        table=table,
        keys=keys,
        n_series=int(raw["n_series"]),
        n_skipped=int(raw["n_skipped"]),
        n_tested=int(raw["n_tested"]),
        q_method=str(raw["q_method"]),
        null=str(raw["null"]),
        alpha=float(raw["alpha"]),
        bin_width=float(raw["bin_width"]),
        seed=int(options["seed"]),
        min_events=int(options["min_events"]),
        window_start=float(raw["window_start"]),
        window_end=float(raw["window_end"]),
        ingest=ingest,
        seconds=seconds,
    )
