"""The ``tealeaves`` command.

Exit codes: 0 success, 2 bad usage or unreadable input, 1 an unexpected failure.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__
from ._formats import FORMATS

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def _options() -> argparse.ArgumentParser:
    """Options shared by analyze and demo."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--format", default="auto", choices=FORMATS)
    common.add_argument(
        "--tz",
        default=None,
        help="IANA zone of wall-clock times without a zone in the log (default: UTC)",
    )
    common.add_argument("--client", help="only this client")
    common.add_argument("--qname", help="only this name")
    common.add_argument(
        "--min-events", type=int, default=20, help="skip series with fewer events (default 20)"
    )
    common.add_argument(
        "--bin-width",
        type=float,
        default=None,
        help="seconds per bin for the spectrum (default: automatic)",
    )
    common.add_argument("--top", type=int, default=3, help="spectral peaks per series (default 3)")
    common.add_argument(
        "--max-series",
        type=int,
        default=20,
        help="report at most this many series, largest first (default 20)",
    )
    common.add_argument(
        "--surrogates",
        type=int,
        default=99,
        help="Monte-Carlo surrogates per structured null for each period (default 99; 0: off)",
    )
    common.add_argument("--seed", type=int, default=0, help="seed of the surrogates (default 0)")
    common.add_argument(
        "--threads",
        type=int,
        default=None,
        help="engine threads (default: all cores; results are identical for any number)",
    )
    common.add_argument("--quiet", action="store_true", help="no progress line on standard error")
    common.add_argument("--json", action="store_true", help="write JSON to standard output")
    common.add_argument(
        "--html",
        metavar="FILE",
        default=None,
        help="also write a self-contained HTML report of the series shown (demo: "
        "tealeaves-demo-report.html unless given)",
    )
    common.add_argument(
        "--events",
        metavar="FILE",
        default=None,
        help="outside events for the report: one per line, a date or ISO time (UTC) then an "
        "optional label; '#' starts a comment",
    )
    common.add_argument(
        "--report-tz",
        metavar="ZONE",
        action="append",
        default=None,
        help="zone for the report's time-of-day profiles (repeatable; default UTC)",
    )
    return common


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tealeaves",
        description="Is this lookup pattern a machine, a person, or chance?",
    )
    parser.add_argument("--version", action="version", version=f"tealeaves {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    common = _options()
    analyze = commands.add_parser(
        "analyze",
        parents=[common],
        help="series in a DNS log: verdict, periods, gaps, activity, spectral peaks",
        description="Read a Zeek dns.log (TSV or JSON lines) or a CSV, group the lookups by "
        "(client, qname) and report each series' verdict (periodic, human, random, mixed or "
        "insufficient) with its evidence and a q-value across all series, its periods (on the "
        "event times, with global p-values), gap model, burstiness, TTL floor, activity and "
        "spectral peaks. Without LOG, the bundled sample is analysed.",
    )
    analyze.add_argument("log", nargs="?", help="log file (default: the bundled sample)")
    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="analyze the bundled 2016 reconstruction and write its HTML report (no arguments)",
        description="The main job on the bundled, clearly labelled synthetic reconstruction of "
        "the 2016 mail1.trump-email.com lookups (datasets/alfa2016; facts and assumptions are "
        "listed apart in its README): each series' verdict with its evidence, periods, gaps "
        "and activity, and the HTML report tealeaves-demo-report.html. 19 surrogates per "
        "structured null keep it near a minute (analyze uses 99).",
    )
    demo.add_argument("log", nargs="?", help="log file (default: the 2016 reconstruction)")
    demo.set_defaults(demo=True, surrogates=19)
    _add_rank_parser(commands)
    return parser


def _add_rank_parser(commands: Any) -> None:
    rank = commands.add_parser(
        "rank",
        help="score every series of a log and rank them by q-value",
        description="Read a DNS log, group the lookups by (client, qname) (or --keys), score "
        "every series with at least --min-events lookups in one multithreaded pass (verdict, "
        "strongest period with its global p, burstiness, rate, span) and rank them by q-value: "
        "the Benjamini-Hochberg adjustment of the verdicts' p_any over every series scored.",
    )
    rank.add_argument("log", help="log file (Zeek TSV/JSON, CSV, Pi-hole, BIND, Parquet)")
    rank.add_argument("--format", default="auto", choices=FORMATS)
    rank.add_argument("--tz", default=None, help="IANA zone of zone-less wall-clock times")
    rank.add_argument(
        "--keys",
        default="client,qname",
        help="one or two columns per series (default client,qname)",
    )
    rank.add_argument("--min-events", type=int, default=20, help="score series with >= N lookups")
    rank.add_argument("--top", type=int, default=20, help="rows shown on the terminal (default 20)")
    rank.add_argument("--csv", metavar="FILE", default=None, help="write the whole table as CSV")
    rank.add_argument("--parquet", metavar="FILE", default=None, help="write it as Parquet")
    rank.add_argument("--json", action="store_true", help="write JSON to standard output")
    rank.add_argument("--threads", type=int, default=None, help="engine threads (default: all)")
    rank.add_argument("--seed", type=int, default=0, help="seed of the Monte-Carlo tests")
    rank.add_argument("--alpha", type=float, default=0.01, help="the verdict's level (0.01)")
    rank.add_argument(
        "--q-method", default="bh", choices=("bh", "by", "holm", "bonferroni"), help="correction"
    )
    rank.add_argument("--quiet", action="store_true", help="no progress line on standard error")
    rank.set_defaults(rank=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "rank":
            return _rank(args)
        return _analyze(args)
    except (OSError, ValueError, TypeError) as exc:
        print(f"tealeaves: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _analyze(args: argparse.Namespace) -> int:
    import os
    import warnings

    if args.threads is not None:
        if args.threads < 1:
            raise ValueError(f"threads: must be at least 1, got {args.threads}")
        os.environ["TEALEAVES_NUM_THREADS"] = str(args.threads)  # read by every engine call

    from .analyze import NULL_DESCRIPTION, lockstep_pairs, summarize_series
    from .datasets import alfa2016, sample_path
    from .io import group_series, read_log

    default = alfa2016.path() if getattr(args, "demo", False) else sample_path()
    path = args.log or str(default)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rejected lines are reported below, in full
        frame = read_log(path, format=args.format, tz=args.tz)
    info = frame.attrs["ingest"]
    if args.client is not None:
        frame = frame[frame["client"] == args.client]
    if args.qname is not None:
        frame = frame[frame["qname"] == args.qname]
    groups = group_series(frame, min_events=max(args.min_events, 1), duplicates="keep")
    selected = list(groups.items())[: args.max_series]
    progress = _Progress(len(selected), enabled=not args.quiet and sys.stderr.isatty())
    summaries = []
    for (client, qname), series in selected:
        progress.step(f"{client} {qname}")
        summaries.append(
            summarize_series(
                series,
                client,
                qname,
                top=args.top,
                bin_width=args.bin_width,
                surrogates=args.surrogates,
                seed=args.seed,
            )
        )
    progress.done()
    _add_q_values(summaries, len(groups))
    _add_qtypes(summaries, frame)
    pairs = lockstep_pairs(
        [(client, qname, series) for (client, qname), series in selected], seed=args.seed
    )
    html = args.html or ("tealeaves-demo-report.html" if getattr(args, "demo", False) else None)
    if html:
        _write_html(html, path, info, selected, args, pairs)
    if args.json:
        _print_json(path, info, summaries, len(groups), NULL_DESCRIPTION, pairs)
    else:
        _print_text(path, info, summaries, len(groups), args, NULL_DESCRIPTION)
        _print_pairs(sys.stdout.write, pairs)
        if html:
            print(f"report: {html}")
    return EXIT_OK


class _Progress:
    """One self-overwriting line on standard error ("series 3/20: client name"), only on a
    terminal, so pipes and JSON output stay clean."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total, self.count, self.enabled = total, 0, enabled

    def step(self, label: str) -> None:
        self.count += 1
        if self.enabled:
            text = f"series {self.count}/{self.total}: {label}"[:78]
            sys.stderr.write("\r" + text.ljust(78))
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled and self.count:
            sys.stderr.write("\r" + " " * 78 + "\r")
            sys.stderr.flush()


def _write_html(
    html: str, path: str, info: Any, selected: list[Any], args: Any, pairs: list[Any]
) -> None:
    from .report import write_report

    items = [(client, qname, series) for (client, qname), series in selected]
    events = _read_events(args.events) if args.events else None
    write_report(
        html,
        items,
        title=f"tealeaves: {path}",
        input_info=info,
        events=events,
        tz=tuple(args.report_tz or ("UTC",)),
        seed=args.seed,
        pairs=pairs,
    )


def _read_events(path: str) -> dict[str, str]:
    """{label: time} from a file of 'TIME [label]' lines (label defaults to the time)."""
    events: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            time, _, label = line.partition(" ")
            label = label.strip() or time
            if label in events:
                label = f"{label} (line {number})"
            events[label] = time
    if not events:
        raise ValueError(f"events: no event in {path!r}")
    return events


def _add_q_values(summaries: list[Any], n_groups: int) -> None:
    """Benjamini-Hochberg q-values of each series' verdict p (anything but chance) across every
    series of the log; series not analysed (beyond --max-series) count with p = 1, which can
    only raise the q-values (conservative), never hide the look-elsewhere effect."""
    import numpy as np

    from .multiple_testing import multitest

    p = np.ones(max(n_groups, len(summaries)))
    for i, s in enumerate(summaries):
        p[i] = s.verdict.get("p_any", 1.0)
    q = multitest(p, method="bh").adjusted if len(p) else p
    for i, s in enumerate(summaries):
        s.verdict["q_value"] = float(q[i])
        s.verdict["q_tests"] = len(p)


def _add_qtypes(summaries: list[Any], frame: Any) -> None:
    """The most common query type of each series (None when the log has none)."""
    for s in summaries:
        rows = frame[(frame["client"] == s.client) & (frame["qname"] == s.qname)]["qtype"]
        counts = rows.dropna().astype(str).value_counts()
        s.verdict["qtype"] = str(counts.index[0]) if len(counts) else None


def _print_json(
    path: str,
    info: dict[str, Any],
    summaries: list[Any],
    n_groups: int,
    null: str,
    pairs: list[dict[str, Any]],
) -> None:
    document = {
        "tool": "tealeaves",
        "version": __version__,
        "input": {"path": path, **{k: v for k, v in info.items() if k != "path"}},
        "null": null,
        "n_series": n_groups,
        "series": [s.to_dict() for s in summaries],
        "pairs": pairs,
    }
    document["input"]["rejected"] = [list(r) for r in info["rejected"]]
    json.dump(document, sys.stdout, indent=2)
    print()


def _duration(seconds: float) -> str:
    if seconds >= 86400 * 2:
        return f"{seconds / 86400:.1f} d"
    if seconds >= 7200:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds:.0f} s"


def _print_text(
    path: str,
    info: dict[str, Any],
    summaries: list[Any],
    n_groups: int,
    args: argparse.Namespace,
    null: str,
) -> None:
    out = sys.stdout.write
    out(f"tealeaves {__version__}: {path} ({info['format']})\n")
    out(
        f"lines: {info['lines_read']} read = {info['lines_used']} used + "
        f"{info['lines_rejected']} rejected + {info['lines_meta']} header/comment/blank\n"
    )
    for line, reason in info["rejected"][:10]:
        out(f"  rejected line {line}: {reason}\n")
    if info["lines_rejected"] > 10:
        out(f"  ... {info['lines_rejected'] - 10} more rejected lines\n")
    out(
        f"series: {n_groups} (client, qname) with >= {args.min_events} events; "
        f"showing {len(summaries)}\n"
    )
    out(f"null: {null}\n\n")
    for s in summaries:
        out(f"{s.client}  {s.qname}\n")
        out(
            f"  {s.n_events} events over {_duration(s.end - s.start)}, bins of {s.bin_width:g} s, "
            f"{s.n_frequencies} frequencies searched\n"
        )
        _print_verdict(out, s.verdict)
        _print_spans(out, s.periodic_spans)
        _print_periods(out, s)
        _print_changes(out, s.activity.get("change_points", {}))
        if not s.peaks:
            out("  too short for a spectrum\n\n")
            continue
        out("  spectral peaks (binned counts):\n")
        out(f"  {'period':>12}  {'Leahy power':>11}  {'p_single':>9}  {'p_global':>9}\n")
        for p in s.peaks:
            out(
                f"  {p.period_s:>10.2f} s  {p.leahy_power:>11.1f}  {_p(p.p_single):>9}  "
                f"{_p(p.p_global):>9}\n"
            )
        if s.peaks and s.peaks[0].p_global is None:
            out("  (no p-values: outages make the binned counts non-Poisson; see periods)\n")
        out("\n")


def _print_pairs(out: Any, pairs: list[dict[str, Any]], alpha: float = 0.01) -> None:
    """One line per pair of series in lockstep (Bonferroni-adjusted p < alpha)."""
    for p in pairs:
        if p["p_adjusted"] < alpha:
            lag = p["median_lag_s"]
            lag = 0.0 if abs(lag) < 0.005 else lag  # no "-0.00"
            out(
                f"lockstep: {_printable(p['client_a'])} and {_printable(p['client_b'])} "
                f"({_printable(p['qname'])}), {100 * p['fraction_a']:.0f} % within "
                f"{p['tolerance_s']:g} s ({100 * p['fraction_b']:.0f} % of the second), "
                f"median lag {lag:+.2f} s, p = {_p(p['p_value'])}, "
                f"p_adjusted = {_p(p['p_adjusted'])} over {p['n_pairs_tested']} pairs\n"
            )


def _when(seconds: float) -> str:
    """UTC date-time for epoch seconds (after 1973), else seconds."""
    if seconds > 1e8:
        import datetime as dt

        moment = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
        return moment.strftime("%Y-%m-%d %H:%M")
    return f"{seconds:.6g} s"


def _print_changes(out: Any, changes: dict[str, Any], shown: int = 8) -> None:
    """The rate change points (PELT) of a series, at most ``shown`` of them."""
    if changes.get("status") != "ok":
        return
    times = changes["times"]
    listed = ", ".join(_when(t) for t in times[:shown]) or "none"
    more = f", ... {len(times) - shown} more" if len(times) > shown else ""
    out(
        f"  rate change points (PELT, Poisson cost, {changes['penalty']}, bins of "
        f"{_duration(changes['bin_width_s'])}): {listed}{more}\n"
    )


def _print_spans(out: Any, spans: dict[str, Any]) -> None:
    """When the verdict's beat is present (periodic_spans), in one line."""
    if spans.get("status") != "ok":
        return
    found = f"{spans['n_significant']} of {spans['n_windows']} windows of "
    found += _duration(spans["window_s"])
    if spans["first_beat"] is None:
        out(f"  beat present: in no single window ({found})\n")
        return
    out(
        f"  beat present: first {_when(spans['first_beat'])}, last {_when(spans['last_beat'])}, "
        f"in {found} (family-wise alpha {spans['alpha']:g}); "
        f"{spans['lookups_per_tick']:.2g} lookups per beat\n"
    )


def _gap(seconds: float) -> str:
    return f"{seconds:.4g} s" if seconds > 0 else "n/a"


def _p(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2e}"


def _print_verdict(out: Any, v: dict[str, Any]) -> None:
    period = f", period {v['period_s']:.6g} s" if v.get("period_s") else ""
    q = f", q {v['q_value']:.2g} over {v['q_tests']} series" if "q_value" in v else ""
    out(f"  verdict: {v.get('label')}{period}{q}\n")
    for e in v.get("evidence", []):
        out(f"    {e['test']:<22} p={_p(e['p_value']):>9}  {e['explanation']}\n")


def _print_periods(out: Any, s: Any) -> None:
    if s.status != "ok":
        out("  periods: not enough data to test\n")
    elif not s.periods:
        out("  periods: none significant (alpha 0.01, global)\n")
    for p in s.periods:
        out(
            f"  period {p['period_s']:.6g} s +- {p['period_err_s']:.2g} "
            f"(typical gap {_gap(p['interval_s'])}), jitter {p['jitter_s']:.3g} s, "
            f"{100 * p['pulsed_fraction']:.0f}% phase-locked, p_global {p['p_global']:.2e}\n"
        )
        if "p_routine" in p:
            out(
                f"    against the series' own routine p {p['p_routine']:.3g}, against its gaps "
                f"reordered p {p['p_shuffle']:.3g} (Monte-Carlo, whole band)\n"
            )
    gaps = s.gaps
    if gaps.get("best_model"):
        b = gaps["burstiness"]
        out(
            f"  gaps: best model {gaps['best_model']} ({gaps['strength']}); burstiness B "
            f"{b['b']:.2f}, CV {b['cv']:.2f}, memory {b['memory']:.2f}\n"
        )
    floor = s.ttl_floor
    if floor.get("detected"):
        out(
            f"  gap floor {floor['floor_s']:.4g} s ({floor['interpretation']}), "
            f"p {math.exp(floor['log_p']):.1e} against Poisson gaps\n"
        )


def _rank(args: argparse.Namespace) -> int:
    import os
    import time
    import warnings

    from .rank import rank

    if args.threads is not None and args.threads < 1:
        raise ValueError(f"threads: must be at least 1, got {args.threads}")
    if args.top < 0:
        raise ValueError(f"top: must be at least 0, got {args.top}")
    if not os.path.isfile(args.log):
        raise FileNotFoundError(f"log: no such file: {args.log!r}")
    show = not args.quiet and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"\rranking: {done}/{total} series scored"[:78].ljust(78))
        sys.stderr.flush()

    if show:
        sys.stderr.write(f"\rreading {args.log} ..."[:78].ljust(78))
        sys.stderr.flush()
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rejected lines are reported below
            result = rank(
                args.log,
                keys=tuple(k.strip() for k in args.keys.split(",") if k.strip()),
                min_events=args.min_events,
                threads=args.threads or 0,
                seed=args.seed,
                alpha=args.alpha,
                format=args.format,
                tz=args.tz,
                q_method=args.q_method,
                progress=progress if show else None,
            )
    finally:
        if show:
            sys.stderr.write("\r" + " " * 78 + "\r")
            sys.stderr.flush()
    elapsed = time.perf_counter() - t0
    if args.csv:
        result.to_csv(args.csv)
    if args.parquet:
        result.to_parquet(args.parquet)
    if args.json:
        json.dump(result.to_dict(), sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
        return EXIT_OK
    _print_rank(sys.stdout, result, args.top, elapsed)
    return EXIT_OK


def _printable(name: Any) -> str:
    """A name safe for a terminal: control characters as \\xHH."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in str(name))


def _print_rank(out: Any, result: Any, top: int, elapsed: float) -> None:
    info = result.ingest or {}
    if "lines_read" in info:
        out.write(
            f"read {info['lines_read']} lines: {info['lines_used']} used, "
            f"{info['lines_rejected']} rejected, {info['lines_meta']} meta\n"
        )
    out.write(
        f"{result.n_series} series, {result.n_tested} scored (>= {result.min_events} lookups), "
        f"{result.n_skipped} skipped; bin width {result.bin_width:g} s; "
        f"q-values: {result.q_method} over the {result.n_tested} p_any; {elapsed:.1f} s\n"
    )
    table = result.table.head(top)
    keys = list(result.keys)
    header = ["#", *keys, "n", "verdict", "period_s", "p_line", "q_value", "B", "rate/h"]
    rows = []
    for i, row in enumerate(table.itertuples(index=False), start=1):
        r = row._asdict()
        rows.append(
            [
                str(i),
                *(_printable(r[k])[:40] for k in keys),
                str(r["n_events"]),
                r["verdict"],
                "-" if math.isnan(r["period_s"]) else f"{r['period_s']:.4g}",
                _p(r["p_line"]),
                _p(r["q_value"]),
                "-" if math.isnan(r["burstiness"]) else f"{r['burstiness']:.2f}",
                "-" if math.isnan(r["rate"]) else f"{3600 * r['rate']:.3g}",
            ]
        )
    widths = [
        max(len(h), *(len(r[j]) for r in rows)) if rows else len(h) for j, h in enumerate(header)
    ]
    out.write("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip() + "\n")
    for r in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")
    significant = int((result.table["q_value"] < result.alpha).sum())
    out.write(f"{significant} series with q < {result.alpha:g}\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
