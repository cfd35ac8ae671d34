"""One self-contained HTML report of the full analysis of a few lookup series.

``write_report(path, [(client, qname, series), ...], title=...)`` runs, for each series, the
verdict (with its evidence), the period search on the event times (Z^2 with Davies-Baluev
global p-values), the Leahy periodogram of the binned counts (Sidak global p-values), the ACF,
the inter-arrival models, Bayesian Blocks, PELT change points, significant silences, the
time-of-day profile in each zone of ``tz`` with a time-zone fit, and, given outside events,
their coincidence with the lookups; across series, the pairs that move in lockstep (series
that share a name, see ``analyze.lockstep_pairs``). It writes ONE HTML file: plots are
embedded as base64 PNG, there is no script and no external asset, and a
Content-Security-Policy forbids loading any.

Every string that comes from the log or the caller (client and query names, the title, zone
names, event labels, the input accounting) is made visible (control characters, lone
surrogates and other unprintable code points become ``\\xNN`` / ``\\uNNNN`` escapes) and then
HTML-escaped: DNS names can carry hostile bytes. The HTML is built only from escaped pieces.
"""

from __future__ import annotations

import math
import os
import zoneinfo
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import _report_plots as plots
from ._report_html import LABEL_WORDS, SIGNIFICANCE_LEVELS, render_page, render_series
from .analyze import MAX_FREQUENCIES as MAX_FREQUENCIES  # re-exported
from .analyze import auto_bin_width, change_point_width, lockstep_pairs, z2_fmax
from .bursts import bayesian_blocks, change_points, outages
from .interarrivals import interarrival
from .periodicity import detect_periods, periodic_spans
from .rhythm import fit_timezone, rhythm
from .series import EventSeries
from .spectral import acf, bin_events, periodogram
from .timeline import _event_seconds, coincidence
from .verdict import verdict

__all__ = ["LABEL_WORDS", "SIGNIFICANCE_LEVELS", "render_report", "write_report"]


# -- public entry points -------------------------------------------------------------------
def render_report(
    series_items: Any,
    *,
    title: str,
    input_info: Mapping[str, Any] | None = None,
    events: Any = None,
    tz: Any = ("UTC",),
    seed: int = 0,
    pairs: list[Mapping[str, Any]] | None = None,
) -> str:
    """The report as one HTML string (see the module docstring).

    Parameters
    ----------
    series_items : list of (client, qname, EventSeries)
        The series to analyse, in report order (a ``{(client, qname): EventSeries}`` mapping,
        as from ``group_series``, is accepted too).
    title : str
        Shown as the page title (escaped).
    input_info : mapping, optional
        The line accounting of the log, e.g. ``read_log(...).attrs["ingest"]``: ``path``,
        ``format``, ``lines_read``, ``lines_used``, ``lines_rejected``, ``lines_meta`` and
        ``rejected`` (``(line, reason)`` pairs); other keys are listed as given.
    events : array-like of times, or mapping {label: time}, optional
        Outside events (epoch seconds, datetime64, pandas timestamps or date strings): marked
        on the timelines and tested for coincidence with the lookups.
    tz : str, float or sequence of them
        Zones (IANA names or fixed offsets in hours) of the time-of-day profiles.
    seed : int
        Seed of every Monte-Carlo test (same seed, same report).
    pairs : list of mappings, optional
        Lockstep pairs as ``analyze.lockstep_pairs`` gives them (keys ``client_a``,
        ``client_b``, ``qname``, ``fraction_a``, ``fraction_b``, ``median_lag_s``,
        ``tolerance_s``, ``p_value``, ``p_adjusted``, ``n_surrogates``, ``null``); None: they
        are computed here from the series.
    """
    items = _check_items(series_items)
    if not isinstance(title, str):
        raise TypeError(f"title: expected a str, got {type(title).__name__}")
    if not title.strip():
        raise ValueError("title: must not be empty")
    if input_info is not None and not isinstance(input_info, Mapping):
        raise TypeError(f"input_info: expected a mapping, got {type(input_info).__name__}")
    zones = _check_zones(tz)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected an integer >= 0, got {seed!r}")
    marks, labels = _check_events(events)
    if pairs is None:
        pairs = lockstep_pairs(items, seed=int(seed))
    elif isinstance(pairs, (str, bytes, Mapping)) or not isinstance(pairs, Iterable):
        raise TypeError(f"pairs: expected a list of mappings, got {type(pairs).__name__}")
    sections = [
        _series_section(i + 1, client, qname, series, marks, zones, int(seed))
        for i, (client, qname, series) in enumerate(items)
    ]
    return render_page(
        title,
        sections,
        zones=zones,
        seed=int(seed),
        input_info=input_info,
        marks=marks,
        labels=labels,
        pairs=list(pairs),
    )


def write_report(
    path: str | os.PathLike[str],
    series_items: Any,
    *,
    title: str,
    input_info: Mapping[str, Any] | None = None,
    events: Any = None,
    tz: Any = ("UTC",),
    seed: int = 0,
    pairs: list[Mapping[str, Any]] | None = None,
) -> Path:
    """Write :func:`render_report`'s HTML to ``path`` (UTF-8); returns the path."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path: expected a str or os.PathLike, got {type(path).__name__}")
    target = Path(path)
    if target.is_dir():
        raise ValueError(f"path: {str(target)!r} is a directory, not a file name")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"path: the directory {str(target.parent)!r} does not exist")
    text = render_report(
        series_items,
        title=title,
        input_info=input_info,
        events=events,
        tz=tz,
        seed=seed,
        pairs=pairs,
    )
    target.write_bytes(text.encode("utf-8"))
    return target


# -- argument checks -----------------------------------------------------------------------
def _name(value: Any, where: str) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="surrogateescape")
    if not isinstance(value, str):
        raise TypeError(f"{where}: expected a str (or bytes) name, got {type(value).__name__}")
    return value


def _check_items(series_items: Any) -> list[tuple[str, str, EventSeries]]:
    if isinstance(series_items, Mapping):
        series_items = [(*key, value) for key, value in series_items.items()]
    if isinstance(series_items, (str, bytes)) or not isinstance(series_items, Iterable):
        raise TypeError(
            "series_items: expected a list of (client, qname, EventSeries), "
            f"got {type(series_items).__name__}"
        )
    items = []
    for i, item in enumerate(series_items):
        where = f"series_items[{i}]"
        if not isinstance(item, (tuple, list)) or len(item) != 3:
            raise ValueError(f"{where}: expected a (client, qname, EventSeries) triple")
        client, qname, series = item
        if not isinstance(series, EventSeries):
            raise TypeError(f"{where}: expected an EventSeries, got {type(series).__name__}")
        items.append((_name(client, f"{where} client"), _name(qname, f"{where} qname"), series))
    if not items:
        raise ValueError("series_items: no series to report")
    return items


def _check_zones(tz: Any) -> list[str | float]:
    values = [tz] if isinstance(tz, (str, int, float)) else tz
    if isinstance(values, bool) or not isinstance(values, Iterable):
        raise TypeError(
            f"tz: expected a zone name, an offset in hours or a list of them, got {tz!r}"
        )
    zones: list[str | float] = []
    for value in values:
        if isinstance(value, str):
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"tz: unknown time zone {value!r}") from None
            zones.append(value)
        elif isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
            if not -12.0 <= float(value) <= 14.0:
                raise ValueError(f"tz: an offset must be within -12..+14 hours, got {value!r}")
            zones.append(float(value))
        else:
            raise TypeError(f"tz: expected zone names or offsets in hours, got {value!r}")
    if not zones:
        raise ValueError("tz: give at least one zone")
    return zones


def _check_events(events: Any) -> tuple[np.ndarray | None, list[str]]:
    if events is None:
        return None, []
    if isinstance(events, Mapping):
        labels = [_name(k, "events label") for k in events]
        if not events:
            raise ValueError("events: must not be empty")
        times = np.concatenate([_event_seconds(v, f"events[{k!r}]") for k, v in events.items()])
        if len(times) != len(labels):
            raise ValueError("events: give one time per label")
    else:
        times = _event_seconds(events, "events")
        labels = [""] * len(times)
    order = np.argsort(times, kind="stable")
    return times[order], [labels[i] for i in order]


# -- analyses ------------------------------------------------------------------------------
def _nice(seconds: float) -> float:
    """The largest of 1, 2, 5, 10, ... 3600 s, whole hours at most ``seconds`` (at least 1 s)."""
    choices = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
    if seconds >= 7200:
        return float(math.floor(seconds / 3600.0) * 3600)
    return float(max([c for c in choices if c <= seconds] or [1]))


def leahy_threshold(alpha: float, n_trials: int) -> float:
    """Leahy power whose p_global (Sidak over ``n_trials`` chi^2_2 ordinates) is ``alpha``:
    1 - (1 - exp(-P / 2))^n = alpha."""
    single = -math.expm1(math.log1p(-alpha) / max(int(n_trials), 1))
    return -2.0 * math.log(single)


def z2_threshold(z2: Any, alpha: float) -> float:
    """Z^2 power whose global p (Davies-Baluev over the searched band) is ``alpha``."""
    target = math.log(alpha)
    lo, hi = 0.0, max(10.0, 2.0 * float(np.max(z2.power)))
    while float(z2.log_p_global(hi)[0]) > target:
        hi *= 2.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if float(z2.log_p_global(mid)[0]) > target:
            lo = mid
        else:
            hi = mid
    return hi


def _analyze(series: EventSeries, marks: np.ndarray | None, zones: list[Any], seed: int) -> dict:
    n = series.n_events
    out: dict[str, Any] = {"series": series, "epoch": series.origin > plots.EPOCH_THRESHOLD}
    out["verdict"] = verdict(series, seed=seed)
    search = None
    if n >= 2 and series.duration > 0:
        fmax = z2_fmax(series.duration, out["verdict"].period_s)
        search = detect_periods(series, fmax=fmax, seed=seed)
    out["search"] = search
    periods = [] if search is None else [p.period_s for p in search.periods]
    period = out["verdict"].period_s or (periods[0] if periods else None)
    out["period"] = period
    beat = out["verdict"].period_s
    out["spans"] = periodic_spans(series, beat) if beat and math.isfinite(beat) else None
    out["z2"] = None
    if search is not None and search.status == "ok":
        z2 = search.periodogram()
        out["z2"] = {
            "frequency": z2.frequency,
            "power": z2.power,
            "thresholds": {a: z2_threshold(z2, a) for a in SIGNIFICANCE_LEVELS},
            "ylabel": f"Z^2 ({z2.harmonics} harmonics)",
            "title": "Z^2 of the event times; null: "
            + "homogeneous Poisson; p_global: Davies-Baluev over the band",
        }
    out["leahy"], out["peaks"] = _leahy(series)
    out["acf"], out["acf_bin"] = _acf(series, period)
    out["gaps"] = None
    if n >= 3 and np.count_nonzero(np.diff(series.times) > 0) >= 2:
        out["gaps"] = interarrival(
            series, gof_replicates=99, power_law_replicates=49, period=period, seed=seed
        )
    out["blocks"] = bayesian_blocks(series, p0=0.05) if n >= 1 else None
    out["changes"] = None
    if n >= 2 and series.duration > 0:  # the bins analyze uses
        width = change_point_width(series, out["verdict"].period_s)
        out["changes"] = change_points(series, bin_width=width)
    out["outages"] = outages(series) if n >= 2 else None
    out["rhythms"] = [rhythm(series, tz=z) for z in zones] if n >= 1 else []
    out["tzfit"] = None
    if n >= 3:
        names = [z for z in zones if isinstance(z, str)]
        # Two zones by BIC only: its parametric bootstrap costs seconds per series.
        out["tzfit"] = fit_timezone(series, zones=names, seed=seed, n_surrogates=99, n_bootstrap=0)
    out["coincidence"], out["coincidence_error"] = None, ""
    if marks is not None and n >= 2:
        try:
            out["coincidence"] = coincidence(series, marks, n_surrogates=199, seed=seed)
        except ValueError as exc:  # e.g. every event outside this series' window
            out["coincidence_error"] = str(exc)
    inside = [] if marks is None else marks[(marks >= series.start) & (marks <= series.end)]
    out["events"] = inside
    out["event_numbers"] = (
        []
        if marks is None
        else [i + 1 for i, t in enumerate(marks) if series.start <= t <= series.end]
    )
    return out


def _leahy(series: EventSeries) -> tuple[dict[str, Any] | None, Any]:
    if series.duration <= 0:
        return None, None
    width = auto_bin_width(series.duration, finest=10.0)
    binned = bin_events(series, width)
    if len(binned.counts) < 8 or series.n_events < 2:
        return None, None
    spectrum = periodogram(binned, scaling="leahy")
    fmin = 2.0 / (len(binned.counts) * width)
    table = spectrum.peaks(3, fmin=fmin)
    trials = int(table.attrs["n_trials"])
    keep = spectrum.frequency >= fmin
    thresholds = (
        {a: leahy_threshold(a, trials) for a in SIGNIFICANCE_LEVELS}
        if spectrum.poisson_null
        else {}
    )
    panel = {
        "frequency": spectrum.frequency[keep],
        "power": spectrum.power[keep],
        "thresholds": thresholds,
        "ylabel": "Leahy power",
        "title": f"Leahy periodogram of counts in {width:g} s bins; p_global: Sidak over "
        f"{trials} frequencies",
    }
    return panel, {"table": table, "bin_width": width, "n_trials": trials}


def _acf(series: EventSeries, period: float | None) -> tuple[Any, float]:
    if series.duration <= 0 or series.n_events < 2:
        return None, 1.0
    reach = 4.0 * period if period else min(series.duration / 4.0, 2 * 86400.0)
    width = max(_nice(reach / 200.0), auto_bin_width(series.duration))  # <= 2^20 bins
    binned = bin_events(series, width)
    count = len(binned.counts)
    if count < 8:
        return None, width
    lags = int(min(count - 1, max(4, math.ceil(reach / width))))
    return acf(binned, nlags=lags, alpha=0.05), width


def _series_section(
    number: int,
    client: str,
    qname: str,
    series: EventSeries,
    marks: np.ndarray | None,
    zones: list[Any],
    seed: int,
) -> dict[str, Any]:
    a = _analyze(series, marks, zones, seed)
    return {
        "number": number,
        "client": client,
        "qname": qname,
        "analysis": a,
        "html": render_series(number, client, qname, a, marks, zones),
    }
