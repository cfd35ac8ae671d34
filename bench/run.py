"""Benchmark tealeaves against numpy, scipy, statsmodels and raw FFTW on the same inputs.

    python bench/run.py [--sizes 16,20,24] [--repeats N] [--quick] [--markdown FILE]

Each (implementation, size, allocator mode) is timed in its own subprocess (bench/peers.py,
or the raw FFTW program compiled from bench/fftw_raw.cpp) reading one seeded float64 file, so
all of them see identical values and comparable memory state. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = ROOT / "build" / "bench"
sys.path.insert(0, str(HERE))

import machine  # noqa: E402
import measures  # noqa: E402
import report  # noqa: E402
from peers import NLAGS  # noqa: E402

MODES = ("default", "hugetlb")
DEFAULT_REPEATS = {16: 50, 20: 20, 24: 7}
QUICK_REPEATS = {16: 10, 20: 5, 24: 3}
WORKER_TIMEOUT = 600.0


def build_raw() -> Path:
    """Compile bench/fftw_raw.cpp into build/bench/ when the source is newer than the binary."""
    source, binary = HERE / "fftw_raw.cpp", BUILD / "fftw_raw"
    if binary.exists() and binary.stat().st_mtime >= source.stat().st_mtime:
        return binary
    BUILD.mkdir(parents=True, exist_ok=True)
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "fftw3"], capture_output=True, text=True, check=True
    ).stdout.split()
    cmd = ["g++", "-O3", "-std=c++20", str(source), "-o", str(binary), *flags]
    print("compiling:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    return binary


def build_engine_loop() -> Path | None:
    """Compile bench/engine_loop.cpp with the engine's spectral sources (diagnostic rows).

    Returns None (those rows are then skipped) when the engine sources do not build right now.
    """
    sources = [
        HERE / "engine_loop.cpp",
        *sorted((ROOT / "engine" / "src" / "spectral").glob("*.cpp")),
        *sorted((ROOT / "engine" / "src" / "core").glob("*.cpp")),
    ]
    headers = list((ROOT / "engine").rglob("*.hpp"))
    binary = BUILD / "engine_loop"
    newest = max(p.stat().st_mtime for p in sources + headers)
    if binary.exists() and binary.stat().st_mtime >= newest:
        return binary
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "fftw3"], capture_output=True, text=True, check=True
    ).stdout.split()
    cmd = [
        "g++",
        "-O3",
        "-DNDEBUG",
        "-g",
        "-std=c++20",
        f"-I{ROOT / 'engine' / 'include'}",
        f"-I{ROOT / 'engine' / 'src' / 'spectral'}",
        "-isystem",
        "/usr/include/eigen3",
        *map(str, sources),
        "-o",
        str(binary),
        *flags,
    ]
    print("compiling engine_loop (engine sources, -O3 -g)", file=sys.stderr)
    if subprocess.run(cmd, capture_output=True, text=True).returncode != 0:
        print("engine_loop did not build; its diagnostic rows are skipped", file=sys.stderr)
        return None
    return binary


def write_input(exponent: int, seed: int) -> Path:
    """Seeded Poisson(3) counts as raw float64, written once and reused across runs."""
    import numpy as np

    path = BUILD / "inputs" / f"poisson3_seed{seed}_2e{exponent}.f64"
    n = 2**exponent
    if not path.exists() or path.stat().st_size != 8 * n:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.random.default_rng(seed).poisson(3.0, n).astype(np.float64).tofile(path)
    return path


def mode_env(mode: str, wisdom: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env["TEALEAVES_FFTW_WISDOM"] = wisdom  # "" disables any ambient wisdom: effort auto = estimate
    if mode == "hugetlb":
        previous = env.get("GLIBC_TUNABLES", "")
        env["GLIBC_TUNABLES"] = (previous + ":" if previous else "") + "glibc.malloc.hugetlb=1"
    return env


def run_json(cmd: list[str], env: dict[str, str], timeout: float) -> dict:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"skipped": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["?"]
        return {"error": f"exit {proc.returncode}: {tail[0]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


class Runner:
    def __init__(
        self, raw: Path, engine: Path | None, seed: int, repeats: dict[int, int], budget: float
    ):
        self.raw, self.engine, self.seed = raw, engine, seed
        self.repeats, self.budget = repeats, budget
        self.wisdom_dir = Path(tempfile.mkdtemp(prefix="wisdom-", dir=BUILD))
        self.results: dict = {"sizes": {}, "plans": {}}
        self.fftw_version = "unknown"

    def wisdom(self, exponent: int) -> str:
        return str(self.wisdom_dir / f"fftw-wisdom-2e{exponent}")

    def python(self, impl: str, exponent: int, mode: str, wisdom: str = "") -> dict:
        path = write_input(exponent, self.seed)
        cmd = [
            sys.executable,
            str(HERE / "peers.py"),
            impl,
            str(path),
            str(2**exponent),
            str(self.repeats[exponent]),
        ]
        return run_json(cmd, mode_env(mode, wisdom), WORKER_TIMEOUT)

    def native(
        self,
        what: str,
        exponent: int,
        mode: str,
        measure: bool = False,
        program: Path | None = None,
    ) -> dict:
        program = program or self.raw
        path = write_input(exponent, self.seed)
        cmd = [str(program), what, str(path), str(2**exponent), str(self.repeats[exponent])]
        if what == "acf":
            cmd.append(str(NLAGS))
        if measure:
            cmd += ["--measure", "--wisdom", self.wisdom(exponent)]
        result = run_json(cmd, mode_env(mode), WORKER_TIMEOUT)
        self.fftw_version = result.get("fftw_version", self.fftw_version)
        return result

    def plan_measure(self, exponent: int) -> dict:
        """FFTW_MEASURE planning time into a fresh private wisdom file, unless too slow."""
        done = {
            e: p["plan_seconds"] for e, p in self.results["plans"].items() if "plan_seconds" in p
        }
        if self.budget <= 0:
            return {"skipped": "disabled (--measure-budget 0)"}
        if done:
            base = max(done)
            guess = done[base] * 2 ** (exponent - base) * exponent / base
            if guess > self.budget:
                return {
                    "skipped": f"estimated ~{guess:.0f} s from 2^{base}'s "
                    f"{done[base]:.1f} s, over the {self.budget:.0f} s budget"
                }
        wisdom = self.wisdom(exponent)
        Path(wisdom).unlink(missing_ok=True)
        cmd = [sys.executable, str(HERE / "peers.py"), "plan_measure", "-", str(2**exponent), "1"]
        result = run_json(cmd, mode_env("default", wisdom), self.budget)
        if "skipped" in result:
            result["skipped"] = f"FFTW_MEASURE planning {result['skipped']}"
        return result

    def measure_size(self, exponent: int) -> None:
        per_op: dict = {op: {} for op in measures.OPERATIONS}
        plan = self.plan_measure(exponent)
        self.results["plans"][exponent] = plan
        log(f"2^{exponent}: measure plan -> {plan.get('plan_seconds', plan.get('skipped'))}")
        for op, impls in measures.OPERATIONS.items():
            for impl in impls:
                per_op[op][impl.key] = {m: self.one(impl.key, exponent, m, plan) for m in MODES}
        self.results["sizes"][exponent] = per_op

    def one(self, key: str, exponent: int, mode: str, plan: dict) -> dict:
        start = time.perf_counter()
        measured = key in ("tl_reused_measure", "raw_measure")
        if measured and "plan_seconds" not in plan:
            result = {"skipped": plan.get("skipped", plan.get("error", "no measured plan"))}
        elif key == "raw":
            result = self.native("periodogram", exponent, mode)
        elif key == "raw_measure":
            result = self.native("periodogram", exponent, mode, measure=True)
        elif key == "raw_acf":
            result = self.native("acf", exponent, mode)
        elif key in ("engine", "engine_acf") and self.engine is None:
            result = {"skipped": "engine_loop did not build"}
        elif key in ("engine", "engine_acf"):
            what = "acf" if key == "engine_acf" else "periodogram"
            result = self.native(what, exponent, mode, program=self.engine)
        else:
            result = self.python(key, exponent, mode, self.wisdom(exponent) if measured else "")
        status = result.get("skipped") or result.get("error") or measures.summary_line(result)
        log(f"2^{exponent} {key:<18} {mode:<8} {status}  [{time.perf_counter() - start:.1f} s]")
        return result

    def close(self) -> None:
        shutil.rmtree(self.wisdom_dir, ignore_errors=True)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated exponents: 2^e samples (16,20,24)")
    parser.add_argument("--repeats", type=int, help="timed repeats per size (default 50/20/7)")
    parser.add_argument("--quick", action="store_true", help="2^16 and 2^20, few repeats")
    parser.add_argument("--markdown", type=Path, help="also write the tables as Markdown here")
    parser.add_argument(
        "--json",
        type=Path,
        default=HERE / "results" / "latest.json",
        help="raw timings (default bench/results/latest.json)",
    )
    parser.add_argument(
        "--render",
        type=Path,
        metavar="JSON",
        help="only print (and --markdown) the tables of an earlier run's JSON",
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--measure-budget",
        type=float,
        default=60.0,
        help="skip FFTW_MEASURE planning expected to exceed this many s (0: off)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        return render(json.loads(args.render.read_text()), args.markdown)
    sizes = [int(s) for s in (args.sizes or ("16,20" if args.quick else "16,20,24")).split(",")]
    table = QUICK_REPEATS if args.quick else DEFAULT_REPEATS
    repeats = {e: args.repeats or table.get(e, 5 if e > 20 else 15) for e in sizes}
    started, load_start = time.perf_counter(), machine.loadavg()
    BUILD.mkdir(parents=True, exist_ok=True)
    runner = Runner(build_raw(), build_engine_loop(), args.seed, repeats, args.measure_budget)
    try:
        for exponent in sizes:
            runner.measure_size(exponent)
    finally:
        runner.close()
    results = runner.results
    results["machine"] = machine.describe(runner.fftw_version, ROOT)
    results["machine"]["load average (1 min) at start / end"] = (
        f"{load_start} / {machine.loadavg()}"
    )
    results["run"] = {
        "seed": args.seed,
        "repeats": repeats,
        "nlags": NLAGS,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1, default=str))
    return render(results, args.markdown)


def render(results: dict, markdown: Path | None) -> int:
    print(report.render_text(results), flush=True)
    if markdown:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(report.render_markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
