"""Benchmark tealeaves' exact Z^2_2 search against numpy and stingray on the same event times.

    python bench/z2.py [--quick] [--events 1e3,1e4,1e5] [--freqs 1e4,1e5] [--markdown FILE]
    python bench/z2.py --render bench/results/z2_latest.json

Each (implementation, N events, F frequencies, allocator mode) is timed in its own subprocess
(bench/z2_worker.py) reading one seeded file of event times, so all implementations see identical
inputs and comparable memory state. See the "Z^2 search" section of bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = ROOT / "build" / "bench"
sys.path.insert(0, str(HERE))

import machine  # noqa: E402
from measures import iqr  # noqa: E402
from run import mode_env, run_json  # noqa: E402

MODES = ("default", "hugetlb")
SPAN = 1.0e6  # seconds of observation
PULSE_PERIOD = 300.0  # s: the weak periodic component, so the peaks are real
PULSED_FRACTION = 0.1  # of the events, each with a normal phase jitter of 5% of the period
OVERSAMPLE = 5.0  # grid step 1 / (5 T)
TARGET_CELL = (10_000, 100_000)
TARGET_RATIO = 50.0  # numpy / tealeaves at TARGET_CELL
ISSUE_FMA_BOUND = 0.1  # s at TARGET_CELL on 2 cores, as issue 3 estimates it
NOISY = 0.15  # IQR above this fraction of the median: noisy
WORKER_TIMEOUT = 900.0


class Impl:
    def __init__(self, key: str, label: str, threads: int, tealeaves: bool = False):
        self.key, self.label, self.threads, self.tealeaves = key, label, threads, tealeaves


IMPLS = [
    Impl("tl1", "tealeaves z2n threads=1", 1, True),
    Impl("tl2", "tealeaves z2n threads=2", 2, True),
    Impl("numpy", "numpy chunked (2 trig/pair)", 1),
    Impl("numpy4", "numpy chunked (4 trig/pair)", 1),
    Impl("stingray", "stingray z_n_search nbin=128", 1),
]
BY_KEY = {impl.key: impl for impl in IMPLS}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- inputs ---------------------------------------------------------------------------------------


def event_times(n: int, seed: int):
    """n sorted times: uniform over SPAN, a PULSED_FRACTION of them near multiples of 300 s."""
    import numpy as np

    rng = np.random.default_rng([seed, n])
    pulsed = round(PULSED_FRACTION * n)
    uniform = rng.uniform(0.0, SPAN, n - pulsed)
    cycles = rng.integers(0, int(SPAN / PULSE_PERIOD), pulsed)
    jitter = rng.normal(0.0, 0.05 * PULSE_PERIOD, pulsed)
    beats = np.clip((cycles + 0.3) * PULSE_PERIOD + jitter, 0.0, SPAN)
    return np.sort(np.concatenate([uniform, beats]))


def write_input(n: int, seed: int) -> tuple[Path, float]:
    """The event times file for n (written once per seed) and its span T."""
    import numpy as np

    path = BUILD / "inputs" / f"z2_events_seed{seed}_n{n}.f64"
    if not path.exists() or path.stat().st_size != 8 * n:
        path.parent.mkdir(parents=True, exist_ok=True)
        event_times(n, seed).tofile(path)
    times = np.fromfile(path, dtype=np.float64)
    return path, float(times[-1] - times[0])


def grid_start(n_freq: int, span: float) -> float:
    """fmin: 3 cycles over the window, or lower the band so that it contains 1 / 300 Hz."""
    df = 1.0 / (OVERSAMPLE * span)
    return max(3.0 / span, 1.0 / PULSE_PERIOD - 0.4 * n_freq * df)


# -- running --------------------------------------------------------------------------------------


def median(result: dict) -> float | None:
    times = result.get("times")
    return statistics.median(times) if times else None


def cpu_share(result: dict) -> float | None:
    """Median CPU seconds per wall second of the timed calls (1 per busy thread if uncontended)."""
    pairs = list(zip(result.get("cpu", []), result.get("times", [])))
    return statistics.median(c / w for c, w in pairs) if pairs else None


def spread(result: dict) -> float:
    times = result.get("times") or []
    return iqr(times) / statistics.median(times) if len(times) > 1 else 0.0


def contended(result: dict, threads: int) -> bool:
    share = cpu_share(result)
    return spread(result) > NOISY or (share is not None and share < 0.85 * threads)


class Runner:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.results: dict = {"cells": {}, "accuracy": {}, "inputs": {}}

    def estimate(self, key: str, n: int, f: int) -> float | None:
        """Seconds per call from measured cells of key: scaled by N (same F, upper bound when
        the cost has a per-frequency part) or by F (same N), or by N F; the smallest guess."""
        guesses = []
        for label, modes in self.results["cells"].items():
            nc, fc = (int(x) for x in label.split("x"))
            t = median(modes.get(key, {}).get("default", {}))
            if t is None or (nc, fc) == (n, f) or nc > n or fc > f:
                continue
            guesses.append(t * (n / nc) * (f / fc))
        return min(guesses) if guesses else None

    def worker(self, impl: str, path: Path, n: int, f0: float, f: int, mode: str) -> dict:
        cmd = [
            sys.executable,
            str(HERE / "z2_worker.py"),
            impl,
            str(path),
            str(n),
            repr(f0),
            repr(OVERSAMPLE),
            str(f),
            str(self.args.budget),
            str(self.args.max_repeats),
        ]
        return run_json(cmd, mode_env(mode), WORKER_TIMEOUT)

    def cell(self, n: int, f: int) -> None:
        path, span = write_input(n, self.args.seed)
        f0 = grid_start(f, span)
        label = f"{n}x{f}"
        per_impl: dict = {"_grid": {"f0": f0, "df": 1.0 / (OVERSAMPLE * span), "n": f}}
        self.results["cells"][label] = per_impl
        for impl in self.args.impls:
            guess = self.estimate(impl, n, f)
            limit = self.args.limit * (3 if (n, f) == TARGET_CELL and impl == "numpy" else 1)
            if guess is not None and guess > limit:
                skip = {"skipped": f"skipped (est. {guess:.0f} s)"}
                per_impl[impl] = {m: skip for m in self.args.modes}
                log(f"{label:<14} {impl:<9} skipped (est. {guess:.0f} s > {limit:.0f} s)")
                continue
            per_impl[impl] = {m: self.one(impl, path, n, f0, f, m) for m in self.args.modes}

    def one(self, impl: str, path: Path, n: int, f0: float, f: int, mode: str) -> dict:
        start = time.perf_counter()
        result = self.worker(impl, path, n, f0, f, mode)
        threads = BY_KEY[impl].threads
        cheap = BY_KEY[impl].tealeaves and sum(result.get("times", [60])) < 5
        if cheap and contended(result, threads):
            log(f"{n}x{f} {impl} {mode}: noisy ({status(result)}), measuring again")
            again = self.worker(impl, path, n, f0, f, mode)
            if "times" in again and (cpu_share(again) or 0) >= (cpu_share(result) or 0):
                again["first_attempt"] = {k: result[k] for k in ("times", "cpu")}
                result = again
            else:
                result["second_attempt"] = {k: again.get(k) for k in ("times", "cpu")}
            result["remeasured"] = True
        log(f"{n}x{f} {impl:<9} {mode:<8} {status(result)}  [{time.perf_counter() - start:.1f} s]")
        return result

    def accuracy(self, n: int, f: int) -> None:
        path, span = write_input(n, self.args.seed)
        f0 = grid_start(f, span)
        cmd = [sys.executable, str(HERE / "z2_worker.py"), "accuracy", str(path), str(n)]
        cmd += [repr(f0), repr(OVERSAMPLE), str(f)]
        result = run_json(cmd, mode_env("default"), WORKER_TIMEOUT)
        self.results["accuracy"][f"{n}x{f}"] = result
        log(f"accuracy {n}x{f}: {result}")


def status(result: dict) -> str:
    if "times" not in result:
        return result.get("skipped") or result.get("error") or "?"
    share = cpu_share(result)
    return (
        f"median {fmt_s(median(result))}, IQR {100 * spread(result):.0f}%, "
        f"n={len(result['times'])}, cpu/wall {share:.2f}"
    )


# -- report ---------------------------------------------------------------------------------------


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def fmt_x(value: float | None) -> str:
    return "-" if value is None else (f"{value:.0f}x" if value >= 100 else f"{value:.3g}x")


def parse_label(label: str) -> tuple[int, int]:
    n, f = label.split("x")
    return int(n), int(f)


def sci(x: int) -> str:
    exponent = round(math.log10(x))
    return f"1e{exponent}" if 10**exponent == x else str(x)


def ratio(cell: dict, top: str, bottom: str, mode: str) -> float | None:
    a = median(cell.get(top, {}).get(mode, {}))
    b = median(cell.get(bottom, {}).get(mode, {}))
    return None if a is None or not b else a / b


HEADER = ["implementation"]
HEADER += [f"{m} {c}" for m in MODES for c in ("median", "IQR", "cpu/wall")]
HEADER += ["/tl1 def", "/tl2 def", "/tl1 huge", "/tl2 huge", "ns/pair", "cpu ns/pair", "peak Hz"]


def rows(label: str, cell: dict) -> list[list[str]]:
    n, f = parse_label(label)
    out = []
    for impl in IMPLS:
        if impl.key not in cell:
            continue
        row = [impl.label]
        for mode in MODES:
            result = cell[impl.key].get(mode, {})
            if "times" not in result:
                row += [result.get("skipped") or ("error" if "error" in result else "-"), "", ""]
                continue
            mark = "*" if result.get("remeasured") else ""
            row += [
                fmt_s(median(result)) + mark,
                f"{100 * spread(result):.0f}%",
                f"{cpu_share(result):.2f}",
            ]
        for mode in MODES:
            for base in ("tl1", "tl2"):
                same = base == impl.key
                row.append("" if same else fmt_x(ratio(cell, impl.key, base, mode)))
        default = cell[impl.key].get("default", {})
        t, cpu = median(default), statistics.median(default["cpu"]) if "cpu" in default else None
        row.append("-" if t is None else f"{t / (n * f) * 1e9:.3g}")
        row.append("-" if cpu is None else f"{cpu / (n * f) * 1e9:.3g}")
        peak = cell[impl.key].get("default", {}).get("peak_hz")
        row.append("-" if peak is None else f"{peak:.6g}")
        out.append(row)
    return out


def align(table: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    return [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))
        ).rstrip()
        for r in table
    ]


def summary(results: dict) -> list[list[str]]:
    """One line per cell: tealeaves times and the speed-ups over each peer (default allocator)."""
    table = [["N x F", "tl threads=1", "tl threads=2", "2-thread speed-up"]]
    table[0] += ["numpy / tl2", "numpy4 / tl2", "stingray / tl2"]
    for label, cell in results["cells"].items():
        n, f = parse_label(label)
        line = [f"{sci(n)} x {sci(f)}"]
        line += [fmt_s(median(cell.get(k, {}).get("default", {}))) for k in ("tl1", "tl2")]
        line.append(fmt_x(ratio(cell, "tl1", "tl2", "default")))
        for peer in ("numpy", "numpy4", "stingray"):
            result = cell.get(peer, {}).get("default", {})
            line.append(result.get("skipped", fmt_x(ratio(cell, peer, "tl2", "default"))))
        table.append(line)
    return table


def target_lines(results: dict) -> list[str]:
    label = f"{TARGET_CELL[0]}x{TARGET_CELL[1]}"
    cell = results["cells"].get(label)
    what = f"exact Z^2 >= {TARGET_RATIO:.0f}x faster than numpy at 1e4 events x 1e5 frequencies"
    if cell is None:
        return [f"not run: {what} (the cell 1e4 x 1e5 was not measured)"]
    out = []
    for mode in results["run"]["modes"]:
        for base in ("tl2", "tl1"):
            r = ratio(cell, "numpy", base, mode)
            if r is None:
                out.append(f"-     {what} [{mode}, {base}]: not measured")
                continue
            noisy = any(
                spread(cell.get(k, {}).get(mode, {})) > NOISY for k in ("numpy", base)
            )  # fmt: skip
            verdict = "PASS" if r >= TARGET_RATIO else "MISS"
            out.append(
                f"{verdict}{' [noisy]' if noisy else ''}  {what} [{mode}, "
                f"threads={base[-1]}]: numpy {fmt_s(median(cell['numpy'][mode]))} / tealeaves "
                f"{fmt_s(median(cell[base][mode]))} = {r:.1f}x"
            )
    tl2 = cell.get("tl2", {}).get("default", {})
    if "times" in tl2:
        pairs = TARGET_CELL[0] * TARGET_CELL[1]
        cpu = statistics.median(tl2["cpu"])
        out.append(
            f"vs the FMA bound: tealeaves threads=2 takes {fmt_s(median(tl2))} wall = "
            f"{median(tl2) / ISSUE_FMA_BOUND:.1f}x the issue's ~{ISSUE_FMA_BOUND} s estimate; its "
            f"CPU time is {cpu / pairs * 1e9:.3g} ns per event-frequency pair, i.e. "
            f"~{fmt_s(cpu / 2)} on 2 uncontended cores"
        )
    return out


def accuracy_lines(results: dict) -> list[str]:
    out = []
    for label, acc in results["accuracy"].items():
        n, f = parse_label(label)
        acc = {"ref_max_rel": float("nan"), "numpy_ref_max_rel": float("nan"), **acc}
        if "max_rel" not in acc:
            out.append(f"{sci(n)} x {sci(f)}: {acc.get('error') or acc.get('skipped')}")
            continue
        line = (
            f"{sci(n)} x {sci(f)}, {acc['points']} frequencies: tealeaves (window_correction="
            f"False) vs numpy max rel diff {acc['max_rel']:.2g} (max |diff| / mean Z "
            f"{acc['max_abs_over_mean']:.2g}); against a long-double-phase reference: "
            f"tealeaves {acc['ref_max_rel']:.2g}, numpy {acc['numpy_ref_max_rel']:.2g}; "
            f"threads 1 vs 2 bit-identical: "
            f"{acc['threads_identical']}; peak {acc['peak_hz']:.7g} Hz "
            f"(1/300 = {1 / PULSE_PERIOD:.7g}), Z = {acc['peak_power']:.4g}"
        )
        if "stingray_max_rel" in acc:
            line += (
                f"; stingray (binned, nbin=128) max rel diff {acc['stingray_max_rel']:.2g}, max "
                f"|diff| / mean Z {acc['stingray_max_abs_over_mean']:.2g}, at the peak "
                f"{acc['stingray_peak_rel']:.2g}"
            )
        out.append(line)
    return out


def machine_lines(results: dict) -> list[str]:
    return [f"{k}: {v}" for k, v in results["machine"].items()]


def notes(results: dict) -> list[str]:
    run = results["run"]
    out = [
        f"seed {run['seed']}; T = {SPAN:.0f} s; {100 * PULSED_FRACTION:.0f}% of the events "
        f"pulsed at {PULSE_PERIOD:.0f} s (5% jitter); grid f0 + k / ({OVERSAMPLE:g} T), "
        f"harmonics = 2; per-worker timing budget {run['budget']} s, at most "
        f"{run['max_repeats']} repeats; wall time {run['wall_seconds']} s",
        f"load average (1/5/15 min) at start: {run['load_start']}; at end: {run['load_end']}",
        "median = median wall time of the timed calls after a warm-up on <= 1024 frequencies; "
        "IQR as % of the median; cpu/wall = process CPU time per wall second (1.0 per thread "
        "when nothing else competes for the cores)",
        "/tl1, /tl2 = this row's median / tealeaves threads=1 or 2 in the same allocator mode "
        "(> 1: tealeaves is faster); ns/pair = default median / (N F)",
        "cpu ns/pair = median process CPU time / (N F): the work done, whatever else ran on "
        "the machine (for threads=2 it adds both threads)",
        "* = tealeaves row measured twice because the first run was noisy or contended (IQR > "
        "15% or cpu/wall < 0.85 per thread); the less contended run is shown",
        "tealeaves is timed through tl.z2n (window_correction=True, its default, from raw times);"
        " the peers compute the textbook statistic; stingray folds into 128 phase bins first "
        "(an approximation, see the accuracy lines)",
        "hugetlb = GLIBC_TUNABLES=glibc.malloc.hugetlb=1",
    ]
    return out


def render_text(results: dict) -> str:
    lines = ["tealeaves Z^2_2 benchmark", "=========================", *machine_lines(results)]
    for label, cell in results["cells"].items():
        n, f = parse_label(label)
        title = f"N = {sci(n)} events x F = {sci(f)} frequencies ({n * f:.0e} pairs)"
        lines += ["", title, "-" * len(title), *align([HEADER, *rows(label, cell)])]
    lines += ["", "Summary (default allocator)", "---------------------------"]
    lines += align(summary(results))
    lines += ["", "Target", "------", *target_lines(results)]
    lines += ["", "Accuracy", "--------", *accuracy_lines(results)]
    lines += ["", "Notes", "-----", *notes(results)]
    return "\n".join(lines)


def md_table(table: list[list[str]]) -> list[str]:
    head, *body = table
    out = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    return out + ["| " + " | ".join(row) + " |" for row in body]


def render_markdown(results: dict) -> str:
    lines = ["## Z^2_2 search benchmark", "", *[f"- {x}" for x in machine_lines(results)]]
    for label, cell in results["cells"].items():
        n, f = parse_label(label)
        lines += [
            "",
            f"### N = {sci(n)} x F = {sci(f)}",
            "",
            *md_table([HEADER, *rows(label, cell)]),
        ]
    lines += ["", "### Summary (default allocator)", "", *md_table(summary(results))]
    lines += ["", "### Target", "", *[f"- {x}" for x in target_lines(results)]]
    lines += ["", "### Accuracy", "", *[f"- {x}" for x in accuracy_lines(results)]]
    lines += ["", *[f"- {x}" for x in notes(results)], ""]
    return "\n".join(lines)


# -- machine --------------------------------------------------------------------------------------


def kernel_variant() -> str:
    """The Z^2 kernel select_z2_kernel() picks on this CPU (same rule: AVX-512F, AVX2+FMA, SSE2)."""
    flags: set[str] = set()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
    if "avx512f" in flags:
        return "avx512 (8 doubles a vector)"
    if {"avx2", "fma"} <= flags:
        return "avx2 (4 doubles a vector)"
    return "generic SSE2 (2 doubles a vector)"


def cpu_family() -> str:
    fields = {}
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if ":" in line:
            key, value = (s.strip() for s in line.split(":", 1))
            fields.setdefault(key, value)
        if not line.strip():
            break
    return f"family {fields.get('cpu family', '?')} model {fields.get('model', '?')}"


def tealeaves_build() -> str:
    try:
        from tealeaves import _core
    except ImportError:
        return "not importable"
    built = Path(_core.__file__).stat().st_mtime
    sources = list((ROOT / "engine" / "src" / "events").glob("*.[ich]*"))
    if sources and max(p.stat().st_mtime for p in sources) > built:
        return "STALE: engine/src/events changed after the installed build"
    return "installed build is newer than engine/src/events"


def describe() -> dict[str, str]:
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    return {
        "cpu": f"{machine.cpu_model()} ({cpu_family()})",
        "cores": f"{os.cpu_count()} logical, {affinity} usable",
        "Z^2 kernel chosen at run time": kernel_variant(),
        "kernel": platform.release(),
        "glibc": machine.glibc_version(),
        "transparent hugepages": machine.thp_mode(),
        "python": sys.version.split()[0],
        "numpy": machine._version("numpy"),
        "stingray": machine._version("stingray"),
        "numba (stingray's fast folding)": machine._version("numba"),
        "tealeaves": machine._version("tealeaves") + "; " + tealeaves_build(),
    }


def loadavg3() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# -- command line ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 1e3, 1e4 only; short budgets")
    parser.add_argument("--events", help="comma-separated N (default 1e3,1e4,1e5)")
    parser.add_argument("--freqs", help="comma-separated F (default 1e4,1e5)")
    parser.add_argument(
        "--impls", default="tl1,tl2,numpy,stingray", help="of tl1,tl2,numpy,numpy4,stingray"
    )
    parser.add_argument("--modes", default=",".join(MODES), help="default,hugetlb")
    parser.add_argument(
        "--limit", type=float, default=60.0, help="skip a peer estimated slower than this (s)"
    )
    parser.add_argument("--budget", type=float, help="timing seconds per worker (6; quick 3)")
    parser.add_argument("--max-repeats", type=int, help="timed calls per worker (15; quick 5)")
    parser.add_argument("--no-accuracy", action="store_true", help="skip the accuracy check")
    parser.add_argument("--seed", type=int, default=20240603)
    parser.add_argument("--markdown", type=Path, help="also write the tables as Markdown here")
    parser.add_argument(
        "--json", type=Path, default=HERE / "results" / "z2_latest.json", help="raw timings"
    )
    parser.add_argument("--render", type=Path, metavar="JSON", help="only print an earlier run")
    args = parser.parse_args(argv)
    default_events = "1e3,1e4" if args.quick else "1e3,1e4,1e5"
    args.events = [int(float(x)) for x in (args.events or default_events).split(",")]
    args.freqs = [int(float(x)) for x in (args.freqs or "1e4,1e5").split(",")]
    args.impls = [k for k in args.impls.split(",") if k]
    args.modes = [m for m in args.modes.split(",") if m]
    unknown = [k for k in args.impls if k not in BY_KEY] + [m for m in args.modes if m not in MODES]
    if unknown:
        parser.error(f"unknown implementation or mode: {', '.join(unknown)}")
    args.budget = args.budget or (3.0 if args.quick else 6.0)
    args.max_repeats = args.max_repeats or (5 if args.quick else 15)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        return render(json.loads(args.render.read_text()), args.markdown)
    started, load_start = time.perf_counter(), loadavg3()
    BUILD.mkdir(parents=True, exist_ok=True)
    runner = Runner(args)
    cells = sorted(
        ((n, f) for n in args.events for f in args.freqs), key=lambda c: (c[0] * c[1], c)
    )
    for n, f in cells:
        runner.cell(n, f)
    if not args.no_accuracy:
        for n in args.events:
            runner.accuracy(n, max(args.freqs))
    results = runner.results
    results["machine"] = describe()
    results["run"] = {
        "seed": args.seed,
        "modes": args.modes,
        "budget": args.budget,
        "max_repeats": args.max_repeats,
        "load_start": load_start,
        "load_end": loadavg3(),
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1, default=str))
    return render(results, args.markdown)


def render(results: dict, markdown: Path | None) -> int:
    print(render_text(results), flush=True)
    if markdown:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(render_markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
