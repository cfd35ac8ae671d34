"""Tables and notes for bench/run.py, as plain text or Markdown."""

from __future__ import annotations

import statistics

from measures import MODES, OPERATIONS, Impl, first_call, iqr, median, ms, ratio
from targets import breakdown_lines, plan_lines, targets, verdict

TITLES = {
    "periodogram": "periodogram (r2c + |X|^2, boxcar, no detrend)",
    "welch": "Welch (hann, nperseg=4096, 50% overlap, constant detrend)",
    "acf": "ACF, nlags=1000 (demeaned, zero-padded FFT)",
}
BASELINES = {
    "tl_oneoff": "tl one-off",
    "tl_reused": "tl reused",
    "tl_reused_measure": "tl reused MEASURE",
    "tl_welch": "tl welch",
    "tl_acf": "tl acf",
}
HEADER = ["implementation"]
HEADER += [f"{m} {c}" if c == "ms" else c for m in MODES for c in ("ms", "IQR", "1st", "faults")]
HEADER += ["ratio def", "ratio huge", "ratio vs"]


def cells(impl: Impl, per_impl: dict, by_key: dict) -> list[str]:
    row = [impl.label]
    for mode in MODES:
        result = per_impl.get(mode, {})
        if "times" not in result:
            row += ["error" if "error" in result else "skipped", "", "", ""]
            continue
        row += [
            ms(median(result)),
            ms(iqr(result["times"]), 2),
            ms(first_call(result)),
            str(int(statistics.median(result["faults"]))),
        ]
    if impl.baseline:
        row += [_x(ratio(by_key, impl.key, impl.baseline, m)) for m in MODES]
        row.append(BASELINES[impl.baseline])
    else:
        row += ["", "", ""]
    return row


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def tables(results: dict) -> list[tuple[str, list[list[str]]]]:
    out = []
    for op, impls in OPERATIONS.items():
        for exponent, per_op in results["sizes"].items():
            by_key = per_op[op]
            rows = [cells(impl, by_key.get(impl.key, {}), by_key) for impl in impls]
            out.append((f"{TITLES[op]}, n = 2^{exponent} = {2 ** int(exponent)}", rows))
    return out


def notes(results: dict) -> list[str]:
    info = results["machine"]
    out = [
        f"seed {results['run']['seed']}, repeats per size {results['run']['repeats']}, "
        f"wall time {results['run']['wall_seconds']} s",
        "times: median of the timed repeats after one warm-up; IQR = interquartile range; "
        "faults = median minor page faults per call; 1st = the warm-up call, i.e. the first "
        "use of that size in a fresh process (planning, lazy set-up, first-touch faults; raw "
        "FFTW: plan + first execute)",
        "numpy and scipy.fft cache their pocketfft plans (LRU), so their repeated 'one-off' "
        "calls carry no planning; compare the 1st column for a cold-vs-cold view",
        "ratio = this row's median / the named tealeaves row's median (>1: tealeaves faster)",
        "hugetlb = GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (malloc madvises huge pages)",
    ]
    reasons = {}
    for exponent, per_op in results["sizes"].items():
        for by_key in per_op.values():
            for key, per_mode in by_key.items():
                for mode, result in per_mode.items():
                    why = result.get("skipped") or result.get("error")
                    if why:
                        reasons.setdefault(why, []).append(f"{key} 2^{exponent} {mode}")
    for why, where in reasons.items():
        out.append(f"not measured ({why}): {', '.join(where)}")
    if info.get("OPENBLAS_CORETYPE", "(not set)") != "(not set)":
        out.append(
            f"OPENBLAS_CORETYPE is set to {info['OPENBLAS_CORETYPE']} in the environment "
            "(left as is)"
        )
    return out


def _align(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))
        ).rstrip()
        for r in rows
    ]


def render_text(results: dict) -> str:
    lines = ["tealeaves benchmark", "==================="]
    lines += [f"{k}: {v}" for k, v in results["machine"].items()]
    lines += ["", "FFTW planning", "-------------", *plan_lines(results)]
    for title, rows in tables(results):
        lines += ["", title, "-" * len(title), *_align([HEADER, *rows])]
    lines += ["", "Where the overhead is", "---------------------", *breakdown_lines(results)]
    lines += ["", "Targets", "-------"]
    lines += [f"{verdict(c)}  {c.text}" for c in targets(results)]
    lines += ["", "Notes", "-----", *notes(results)]
    return "\n".join(lines)


def render_markdown(results: dict) -> str:
    lines = ["## Benchmarks", "", "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in results["machine"].items()]
    lines += ["", "FFTW planning:", "", *[f"- {line}" for line in plan_lines(results)]]
    for title, rows in tables(results):
        lines += [
            "",
            f"### {title}",
            "",
            "| " + " | ".join(HEADER) + " |",
            "|" + "---|" + "---:|" * (len(HEADER) - 2) + "---|",
        ]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    lines += ["", "### Where the overhead is", "", *[f"- {x}" for x in breakdown_lines(results)]]
    lines += ["", "### Targets", ""]
    lines += [f"- **{verdict(c).strip()}** {c.text}" for c in targets(results)]
    lines += ["", *[f"- {n}" for n in notes(results)], ""]
    return "\n".join(lines)
