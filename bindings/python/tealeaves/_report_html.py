"""HTML of the report (tealeaves.report): the page, its style sheet and policy, and one section
per part of the analysis, built from the analyses' results.

Every string that comes from the log or the caller passes through ``_e`` (made visible, then
HTML-escaped) or ``_table`` (which escapes each cell); the markup here is only literal text and
escaped pieces. Images come from ``_report_plots`` as embedded PNG data URIs.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import numpy as np

from . import _report_plots as plots

SIGNIFICANCE_LEVELS = (0.05, 0.01, 0.001)  # p_global levels drawn on the periodograms
LABEL_WORDS = {
    "periodic": "a machine: the lookups follow a schedule or a cache expiry, and nothing left "
    "over keeps a person's routine",
    "human": "a person: the lookups keep a daily routine (or trigger one another), and no "
    "machine schedule stands out",
    "mixed": "a machine and a person: a schedule or cache expiry, plus lookups that keep a "
    "human routine",
    "random": "consistent with chance: no test rejects lookups at random times (Poisson)",
    "insufficient": "too few lookups to tell",
}
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;color:#222;
padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.05em;margin-top:1.4em}
table{border-collapse:collapse;margin:.6em 0;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;height:auto;display:block;margin:.5em 0}
.label{font-weight:bold;padding:1px 6px;border-radius:3px;background:#eee}
.periodic{background:#fde2c8}.human{background:#d6eaff}.mixed{background:#ead6ff}
.random{background:#e4f4e4}.insufficient{background:#eee}
.note{color:#555;font-size:12.5px}code{word-break:break-all}
"""
# Nothing but embedded images and this one style sheet (allowed by its hash, not by
# 'unsafe-inline'): no script, frame, font, form target or connection is permitted.
_CSS_HASH = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")
_CSP = (
    f"default-src 'none'; img-src data:; style-src 'sha256-{_CSS_HASH}'; base-uri 'none'; "
    "form-action 'none'"
)


# -- the page and the per-series sections --------------------------------------------------
def render_page(
    title: str,
    sections: list[dict[str, Any]],
    *,
    zones: list[Any],
    seed: int,
    input_info: Mapping[str, Any] | None,
    marks: np.ndarray | None,
    labels: list[str],
    pairs: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The whole HTML document around the already rendered series ``sections``."""
    body = [f"<h1>{_e(title)}</h1>", _intro(len(sections), zones, seed)]
    if input_info is not None:
        body.append(_input_section(input_info))
    body.append(_summary_section(sections))
    if pairs:
        body.append(_lockstep_section(pairs))
    if marks is not None:
        body.append(_events_section(marks, labels))
    body += [s["html"] for s in sections]
    body.append(_reading_notes())
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render_series(
    number: int,
    client: str,
    qname: str,
    a: dict[str, Any],
    marks: np.ndarray | None,
    zones: list[Any],
) -> str:
    """The ``<section>`` of one series, from its analysis ``a`` (see ``report._analyze``)."""
    series = a["series"]
    parts = [
        f'<section id="series-{number}">',
        f"<h2>{number}. <code>{_e(client)}</code> &rarr; <code>{_e(qname)}</code></h2>",
        _para(
            f"{series.n_events} lookups from {_when(series.start, a['epoch'])} to "
            f"{_when(series.end, a['epoch'])} ({_span(series.duration)})."
        ),
    ]
    parts += _verdict_html(a["verdict"])
    parts += _spans_html(a.get("spans"), a["epoch"])
    parts += _timeline_html(a, number, marks)
    parts += _periods_html(a, number)
    parts += _gaps_html(a, number)
    parts += _rhythm_html(a, number, zones)
    if marks is not None:
        parts += _coincidence_html(a, number)
    parts.append("</section>")
    return "\n".join(parts)


_MAX_SPANS = 8  # spans listed in words; the JSON has them all


# -- escaping and formatting ---------------------------------------------------------------
def _visible(text: str) -> str:
    """Unprintable code points (controls, lone surrogates, bidi overrides, ...) as escapes."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
            continue
        code = ord(ch)
        out.append(
            f"\\x{code:02x}"
            if code < 0x100
            else f"\\u{code:04x}"
            if code < 0x10000
            else f"\\U{code:08x}"
        )
    return "".join(out)


def _e(value: Any) -> str:
    """Any value as safe HTML text."""
    return html.escape(_visible(str(value)), quote=True)


def _p(value: Any) -> str:
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    value = float(value)
    if value == 0.0:
        return "< 1e-300"
    return f"{value:.2e}" if value < 1e-3 else f"{value:.3g}"


def _num(value: Any, digits: int = 4) -> str:
    if value is None:
        return "n/a"
    number = float(value)
    return f"{number:.{digits}g}" if math.isfinite(number) else "n/a"


def _when(seconds: float, epoch: bool) -> str:
    if epoch:
        stamp = datetime.fromtimestamp(float(seconds), tz=timezone.utc)
        return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{seconds:.6g} s"


def _span(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.1f} d"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds:.0f} s"


def _table(head: Iterable[str], rows: Iterable[Iterable[Any]], numeric: Iterable[int] = ()) -> str:
    """A table whose every cell is escaped here (cells are plain values, never HTML)."""
    right = set(numeric)
    top = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{_e(c)}</td>' if j in right else f"<td>{_e(c)}</td>"
            for j, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{top}</tr></thead><tbody>{body}</tbody></table>"


def _img(uri: str, alt: str) -> str:
    if not uri.startswith("data:image/png;base64,"):
        raise AssertionError("only embedded PNG images go into the report")
    return f'<img src="{html.escape(uri, quote=True)}" alt="{_e(alt)}">'


def _para(text: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f"<p{klass}>{_e(text)}</p>"


# -- HTML sections -------------------------------------------------------------------------
def _intro(n_series: int, zones: list[Any], seed: int) -> str:
    from . import __version__

    zone_text = ", ".join(_zone_name(z) for z in zones)
    return _para(
        f"tealeaves {__version__}: {n_series} series; time-of-day zones: {zone_text}; "
        f"Monte-Carlo seed {seed}. Every p-value below names its null model and what "
        "multiplicity it accounts for.",
        "note",
    )


def _zone_name(zone: Any) -> str:
    return zone if isinstance(zone, str) else f"UTC{zone:+g}"


def _input_section(info: Mapping[str, Any]) -> str:
    known = ("path", "format", "lines_read", "lines_used", "lines_rejected", "lines_meta")
    rows = [(k.replace("_", " "), info[k]) for k in known if k in info]
    rows += [(str(k), v) for k, v in info.items() if k not in known and k != "rejected"]
    parts = ["<h2>Input</h2>", _table(("item", "value"), rows)]
    counts = [info.get(k) for k in ("lines_read", "lines_used", "lines_rejected", "lines_meta")]
    if all(isinstance(c, (int, np.integer)) for c in counts):
        read, used, rejected, meta = (int(c) for c in counts)  # type: ignore[arg-type]
        balance = "balances" if read == used + rejected + meta else "DOES NOT balance"
        parts.append(
            _para(
                f"{read} lines read = {used} used + {rejected} rejected + {meta} header, comment "
                f"or blank: the account {balance}."
            )
        )
    rejected = list(info.get("rejected") or [])
    if rejected:
        shown = rejected[:20]
        parts.append("<h3>Rejected lines</h3>")
        parts.append(_table(("line", "reason"), [tuple(r)[:2] for r in shown], numeric=(0,)))
        if len(rejected) > len(shown):
            parts.append(_para(f"... and {len(rejected) - len(shown)} more listed in the input."))
    return "\n".join(parts)


def _summary_section(sections: list[dict[str, Any]]) -> str:
    head = (
        "#",
        "client",
        "qname",
        "lookups",
        "first",
        "last",
        "verdict",
        "period (s)",
        "p machine",
        "p human",
    )
    rows = []
    for s in sections:
        a, v = s["analysis"], s["analysis"]["verdict"]
        series, epoch = a["series"], a["epoch"]
        rows.append(
            (
                s["number"],
                s["client"],
                s["qname"],
                series.n_events,
                _when(series.start, epoch),
                _when(series.end, epoch),
                v.label,
                _num(v.period_s, 6) if v.period_s else "",
                _p(v.details.get("p_machine")),
                _p(v.details.get("p_human")),
            )
        )
    links = " ".join(f'<a href="#series-{s["number"]}">{s["number"]}</a>' for s in sections)
    return "\n".join(
        [
            "<h2>Summary</h2>",
            _table(head, rows, numeric=(0, 3, 7, 8, 9)),
            f"<p>Details of series: {links}</p>",
            _para(
                "p machine: the machine family (spectral line, gap floor), p human: the person "
                "family (routine tests or self-excitation), each Bonferroni-corrected within "
                "the family; a label needs p < alpha (0.01). The p-values do not account for "
                "having picked these series out of a larger log.",
                "note",
            ),
        ]
    )


def _lockstep_section(pairs: Sequence[Mapping[str, Any]]) -> str:
    """The pairs of series tested for lockstep, with their shares, lag and p-values."""
    head = (
        "qname",
        "client a",
        "client b",
        "a with a partner",
        "b with a partner",
        "median lag b - a (s)",
        "p",
        "p adjusted",
    )
    rows = [
        (
            p["qname"],
            p["client_a"],
            p["client_b"],
            f"{100 * float(p['fraction_a']):.1f} %",
            f"{100 * float(p['fraction_b']):.1f} %",
            "" if p.get("median_lag_s") is None else _num(p["median_lag_s"], 3),
            _p(p["p_value"]),
            _p(p["p_adjusted"]),
        )
        for p in pairs
    ]
    first = pairs[0]
    return "\n".join(
        [
            "<h2>Series in lockstep</h2>",
            _para(
                f"Pairs of series that share a name: does each lookup reach both within "
                f"+-{float(first['tolerance_s']):g} s? A partner is a lookup of the other series "
                f"within that window; lag: median over a's nearest partners. Null: "
                f"{first['null']}."
            ),
            _table(head, rows, numeric=(3, 4, 5, 6, 7)),
        ]
    )


def _events_section(marks: np.ndarray, labels: list[str]) -> str:
    epoch = bool(len(marks)) and float(np.min(marks)) > plots.EPOCH_THRESHOLD
    rows = [
        (f"E{i + 1}", _when(t, epoch), label) for i, (t, label) in enumerate(zip(marks, labels))
    ]
    return "\n".join(
        [
            "<h2>Outside events</h2>",
            _para(
                f"{len(marks)} outside events, marked E1.. as green lines on every timeline "
                "(when inside the series' window) and tested for coincidence with each series."
            ),
            _table(("mark", "time", "label"), rows),
        ]
    )


def _verdict_html(v: Any) -> list[str]:
    words = LABEL_WORDS.get(v.label, "")
    text = f"{words}."
    if v.period_s:
        text += f" Machine period {v.period_s:.6g} s."
    if v.label in ("mixed", "periodic") and v.n_residual < v.n_events:
        text += f" {v.n_residual} of {v.n_events} lookups are off the machine's beat."
    rows = [
        (e.test, _num(e.statistic), _p(e.p_value), e.null, e.explanation, e.supports or "-")
        for e in v.evidence
    ]
    return [
        "<h3>Verdict</h3>",
        f'<p><span class="label {_e(v.label)}">{_e(v.label)}</span> {_e(text)}</p>',
        _table(("test", "statistic", "p", "null", "meaning", "supports"), rows, numeric=(1, 2)),
        _para(
            f"Each family of tests is Bonferroni-corrected to alpha = {v.alpha:g}: machine p = "
            f"{_p(v.details.get('p_machine'))}, human p = {_p(v.details.get('p_human'))}.",
            "note",
        ),
    ]


def _spans_html(spans: Any, epoch: bool) -> list[str]:
    """When the verdict's beat is present (periodic_spans), in words."""
    if spans is None:
        return []
    n_windows = len(spans.windows["start"])
    n_found = int(np.count_nonzero(spans.windows["significant"]))
    if not spans.spans:
        text = (
            f"No window of {_span(spans.window_s)} shows the {spans.period_s:.6g} s beat on its "
            f"own (the line is a property of the whole series)."
        )
    else:
        shown = ", ".join(
            f"{_when(x, epoch)} to {_when(y, epoch)}" for x, y in spans.spans[:_MAX_SPANS]
        )
        more = f" and {len(spans.spans) - _MAX_SPANS} more" if len(spans.spans) > _MAX_SPANS else ""
        text = (
            f"The {spans.period_s:.6g} s beat is present in {n_found} of {n_windows} windows of "
            f"{_span(spans.window_s)}: first beat {_when(spans.first_beat, epoch)}, last beat "
            f"{_when(spans.last_beat, epoch)}; spans {shown}{more}."
        )
    note = f"Null: {spans.null}. Correction: {spans.correction}; alpha = {spans.alpha:g}."
    return ["<h3>When the beat is present</h3>", _para(text), _para(note, "note")]


def _timeline_html(a: dict[str, Any], number: int, marks: np.ndarray | None) -> list[str]:
    epoch = a["epoch"]
    parts = ["<h3>Timeline: bursts, change points, silences</h3>"]
    parts.append(_img(plots.timeline_figure(a), f"series {number}: raster and counts over time"))
    blocks, changes, silences = a["blocks"], a["changes"], a["outages"]
    notes = []
    if blocks is not None:
        notes.append(
            f"Bayesian Blocks (p0 = {blocks.p0:g}, the chance of a false extra block): "
            f"{blocks.n_blocks} blocks of constant rate (orange steps)."
        )
    if changes is not None:
        times = ", ".join(_when(t, epoch) for t in changes.change_points) or "none"
        notes.append(
            f"PELT change points of the binned rate (Poisson cost, {changes.penalty_name} "
            f"penalty, dashed red): {times}."
        )
    parts += [_para(n) for n in notes]
    if silences is not None and silences.n_outages:
        t = silences.table
        sig = np.flatnonzero(t["significant"])
        rows = [
            (
                _when(t["start"][i], epoch),
                _when(t["end"][i], epoch),
                _span(t["length"][i]),
                _num(t["expected"][i], 3),
                _p(t["p_sidak"][i]),
            )
            for i in sig
        ]
        parts.append(
            _para(
                f"Significant silences (shaded): {silences.n_outages} of {silences.n_examined} "
                f"examined. Null: {silences.null}. p Sidak-corrected over all silences examined."
            )
        )
        parts.append(
            _table(("from", "to", "length", "lookups expected", "p (Sidak)"), rows, (2, 3, 4))
        )
    elif silences is not None:
        parts.append(_para(f"No significant silence among {silences.n_examined} examined."))
    if marks is not None:
        inside = ", ".join(f"E{k}" for k in a["event_numbers"]) or "none"
        parts.append(_para(f"Outside events inside this window (green lines): {inside}."))
    return parts


def _periods_html(a: dict[str, Any], number: int) -> list[str]:
    parts = ["<h3>Periods</h3>"]
    search = a["search"]
    if search is None or search.status != "ok":
        reason = "" if search is None else f" ({search.reason})"
        parts.append(_para(f"Not enough lookups for a period search{reason}."))
    elif not search.periods:
        parts.append(_para("No period is significant on the event times (alpha 0.01, global)."))
    else:
        if a["verdict"].label not in ("periodic", "mixed"):
            parts.append(
                _para(
                    "These periods reject lookups at random times (homogeneous Poisson), "
                    "which bursts and a daily routine also do; the verdict's machine tests "
                    "(a line above a smooth spectrum, a gap floor) find no schedule.",
                    "note",
                )
            )
        rows = [
            (
                _num(p.period_s, 6),
                _num(p.period_err_s, 2),
                _num(p.interval_s, 5) if p.interval_s > 0 else "n/a",
                _p(p.p_single),
                _p(p.p_global),
                _num(p.jitter_s, 3),
                f"{100 * p.pulsed_fraction:.0f}%",
            )
            for p in search.periods
        ]
        head = (
            "period (s)",
            "+-",
            "typical gap (s)",
            "p single",
            "p global",
            "jitter (s)",
            "phase-locked",
        )
        parts.append(_table(head, rows, numeric=range(7)))
    if search is not None and search.status == "ok":
        parts.append(
            _para(
                f"Null: {search.null}. Global p: {search.global_method}, over "
                f"{search.n_frequencies} frequencies (periods {1 / search.fmax:.4g} s to "
                f"{1 / search.fmin:.4g} s). TTL floor: "
                f"{search.ttl_floor.interpretation}.",
                "note",
            )
        )
    peaks = a["peaks"]
    if peaks is not None:
        table = peaks["table"]
        rows = [
            (_num(r.period_s, 6), _num(r.power, 4), _p(r.p_single), _p(r.p_global))
            for r in table.itertuples()
        ]
        parts.append(
            _table(
                ("spectral peak period (s)", "Leahy power", "p single", "p global"),
                rows,
                numeric=range(4),
            )
        )
        parts.append(_para(f"Null of the spectral peaks: {table.attrs['null']}.", "note"))
    if a["leahy"] is not None or a["z2"] is not None:
        parts.append(
            _img(
                plots.spectra_figure(
                    {
                        **a,
                        "periods": [p.period_s for p in search.periods]
                        if search is not None
                        else [],
                    }
                ),
                f"series {number}: periodograms",
            )
        )
        parts.append(
            _para(
                "Horizontal lines: the powers whose global p-value is "
                + ", ".join(f"{x:g}" for x in SIGNIFICANCE_LEVELS)
                + "; dotted red: the periods found.",
                "note",
            )
        )
    return parts


def _gaps_html(a: dict[str, Any], number: int) -> list[str]:
    parts = ["<h3>Autocorrelation and inter-arrival times</h3>"]
    parts.append(_img(plots.acf_gaps_figure(a), f"series {number}: ACF and gap histogram"))
    gaps = a["gaps"]
    if gaps is None or gaps.status == "insufficient_data":
        parts.append(_para("Too few gaps to fit inter-arrival models."))
        return parts
    frame = gaps.to_pandas()
    rows = [
        (
            name,
            r.params,
            _num(r.aic, 6),
            _num(r.delta_aic, 3),
            _num(r.akaike_weight, 3),
            _p(r.p_ks),
            r.status,
        )
        for name, r in frame.iterrows()
    ]
    parts.append(
        _table(
            ("model", "parameters", "AIC", "delta AIC", "weight", "p KS", "status"),
            rows,
            numeric=(2, 3, 4, 5),
        )
    )
    b = gaps.burstiness
    parts.append(
        _para(
            f"Best supported: {gaps.best_model} ({gaps.strength}). "
            f"{gaps.evidence.rstrip('.')}. Burstiness "
            f"B = {_num(b.b, 3)}, CV = {_num(b.cv, 3)}, memory = {_num(b.memory, 3)}; "
            f"{gaps.n_spanning_outage} gaps across outages left out."
        )
    )
    parts.append(_para(f"Null of p KS: {frame.attrs['null']}; one test per model.", "note"))
    return parts


def _rhythm_html(a: dict[str, Any], number: int, zones: list[Any]) -> list[str]:
    parts = ["<h3>Time of day</h3>"]
    profiles = a["rhythms"]
    if not profiles:
        return [*parts, _para("No lookups.")]
    parts.append(_img(plots.rhythm_figure(profiles), f"series {number}: time-of-day profiles"))
    rows = [
        (
            f"zone {k + 1}: {_zone_name(z)}",
            r.n_sessions,
            _num(r.peak_hour, 3) if r.n_sessions else "n/a",
            _p(r.rayleigh.p_value),
            _p(r.chi2_daily.p_value),
            _p(r.chi2_weekly.p_value),
        )
        for k, (z, r) in enumerate(zip(zones, profiles))
    ]
    parts.append(
        _table(
            ("zone", "sessions", "peak hour", "p Rayleigh", "p hour of day", "p weekday"),
            rows,
            numeric=range(1, 6),
        )
    )
    first = profiles[0]
    parts.append(
        _para(
            f"Sessions: lookups more than {first.collapse_within:g} s apart. Nulls: Rayleigh, "
            f"{first.rayleigh.null}; hour of day and weekday, {first.chi2_daily.null}. "
            "One test per column and zone, not corrected across them.",
            "note",
        )
    )
    fit = a["tzfit"]
    if fit is not None:
        text = (
            f"Best UTC offset for an office-hours week: {fit.best_offset_hours:+g} h "
            f"(interval {fit.interval_hours[0]:+g} .. {fit.interval_hours[1]:+g} h), "
            f"p = {_p(fit.p_value)} (null: {fit.null})."
        )
        if fit.two_zones is not None:
            two = fit.two_zones
            text += (
                f" Best two zones UTC{two['offset1_hours']:+g} and UTC{two['offset2_hours']:+g}"
                f" (weight {two['weight']:.2f} on the first): BIC {two['bic_two']:.1f} against "
                f"{two['bic_one']:.1f} for one zone, so BIC "
                f"{'prefers two zones' if two['preferred_bic'] else 'keeps one zone'}"
                " (not a calibrated test)."
            )
        parts.append(_para(text))
        if fit.zone_loglik:
            rows = [(z, _num(ll, 6)) for z, ll in fit.zone_loglik.items()]
            parts.append(_table(("zone", "log-likelihood of the template"), rows, numeric=(1,)))
    return parts


def _coincidence_html(a: dict[str, Any], number: int) -> list[str]:
    parts = ["<h3>Coincidence with the outside events</h3>"]
    result = a["coincidence"]
    if result is None:
        return [*parts, _para(f"Not tested: {a['coincidence_error'] or 'too few lookups'}.")]
    t = result.table
    rows = [
        (
            _span(t["tolerance"][i]),
            _span(t["lag"][i]),
            _num(t["precursor_rate"][i], 3),
            _num(t["trigger_rate"][i], 3),
            _p(t["p_adjusted"][i]),
            _p(t["q_bh"][i]),
        )
        for i in range(len(t["tolerance"]))
    ]
    parts.append(
        _table(
            (
                "tolerance",
                "lag",
                "share of lookups near an event",
                "share of events followed by lookups",
                "p adjusted",
                "q (BH)",
            ),
            rows,
            numeric=range(2, 6),
        )
    )
    parts.append(
        _para(
            f"Global p (any coincidence at all): {_p(result.global_p)}; null: {result.null} "
            f"surrogates of the lookups ({result.n_surrogates}), events fixed; "
            f"{result.correction} Westfall-Young adjustment over {result.n_tests} tests. "
            f"{result.n_events} events used, {result.n_events_dropped} outside the window."
        )
    )
    if np.count_nonzero(np.isfinite(result.correlation_r)) >= 3:
        parts.append(_img(plots.coincidence_figure(result), f"series {number}: lagged correlation"))
        parts.append(
            _para(
                f"Lagged correlation of the lookup rate with the events (bins of "
                f"{result.bin_width:g} s): global p {_p(result.correlation_global_p)}, "
                "max-|r| adjusted over the lags.",
                "note",
            )
        )
    return parts


def _reading_notes() -> str:
    return "\n".join(
        [
            "<h2>How to read this report</h2>",
            "<ul>",
            "<li>"
            + _e(
                "A p-value is the chance of a result at least this striking if the null model "
                "named beside it were true. 'p global' accounts for every frequency searched; "
                "'p single' does not."
            )
            + "</li>",
            "<li>"
            + _e("The verdict's labels: " + "; ".join(f"{k}: {w}" for k, w in LABEL_WORDS.items()))
            + ".</li>",
            "<li>"
            + _e(
                "Names from the log are shown escaped; unprintable characters appear as \\xNN "
                "or \\uNNNN."
            )
            + "</li>",
            "</ul>",
        ]
    )
