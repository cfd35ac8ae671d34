"""Lomb-Scargle: tealeaves (exact and fast) against astropy, nifty-ls and scipy.

    python bench/lomb_scargle.py [--quick] [--repeats N] [--budget SECONDS] [--json FILE]

Every implementation gets the same seeded input (uneven times over 1000 s, a sinusoid in
Gaussian noise, standard normalisation with a floating mean) and the same uniform grid of F
frequencies f_k = df / 2 + k df, df = 1 / (5 T). Each (size, implementation, allocator mode)
runs in its own subprocess, once as a warm-up and then `repeats` times (fewer when slow); the
table shows the median. Allocator modes: glibc's default, and GLIBC_TUNABLES=
glibc.malloc.hugetlb=1 (transparent huge pages for large allocations).

Accuracy: max |power - reference| / max(reference), the reference being tealeaves' exact path,
which the test suite checks against a long-double direct sum (to 1e-11) and against astropy;
and the same against a direct long-double sum (numpy longdouble) at 64 frequencies (63 spread
over the grid and the highest peak), which shows whose rounding the differences are. The
machine's load average is printed too: other work on the CPUs slows multi-threaded code
(tealeaves, nifty-ls) the most; the _1t rows run both single-threaded.
Peers whose estimated time exceeds the budget (default 60 s), or whose memory would exceed
~4 GB (astropy's slow method builds N x F matrices), are skipped and listed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SIZES_N = (1_000, 10_000, 100_000)
SIZES_F = (10_000, 100_000)
QUICK_N, QUICK_F = (1_000, 10_000), (10_000,)
IMPLS = (
    "tealeaves_exact",
    "tealeaves_fast",
    "tealeaves_fast_1t",
    "nifty_ls",
    "nifty_ls_1t",
    "astropy_fast",
    "astropy_slow",
    "scipy",
)
MODES = {"default": None, "hugetlb": "glibc.malloc.hugetlb=1"}
# Pairs (points x frequencies) per second of the O(N F) peers, for skipping; refined as we go.
RATE_GUESS = {"astropy_slow": 1.5e7, "scipy": 2.5e7, "tealeaves_exact": 2e9}
MAX_SLOW_CELLS = 1e8  # astropy's slow method keeps several N x F float64 matrices


def make_input(n: int, nf: int, path: Path) -> None:
    rng = np.random.default_rng(n * 7 + nf)
    span = 1000.0
    t = np.sort(rng.uniform(0.0, span, n))
    y = 1.0 + 0.3 * np.sin(2 * np.pi * 0.0173 * t) + rng.normal(size=n)
    df = 1.0 / (5.0 * (t[-1] - t[0]))
    np.savez(path, t=t, y=y, fmin=df / 2, df=df, nf=nf)


def long_double_power(t: np.ndarray, y: np.ndarray, freq: np.ndarray) -> np.ndarray:
    """Standard floating-mean power by direct sums in long double (x87 80-bit on x86-64)."""
    ld = np.longdouble
    tl_, yl = t.astype(ld), y.astype(ld)
    yl = yl - yl.mean()
    yy = np.mean(yl * yl)
    out = np.empty(len(freq))
    for k, f in enumerate(freq.astype(ld)):
        arg = 2 * np.pi * f * tl_  # np.pi rounded to double: the same for every implementation
        c, s = np.cos(arg), np.sin(arg)
        cm, sm = c.mean(), s.mean()
        cc = np.mean(c * c) - cm * cm
        ss = np.mean(s * s) - sm * sm
        cs = np.mean(c * s) - cm * sm
        yc, ys = np.mean(yl * c), np.mean(yl * s)
        out[k] = float((ss * yc * yc + cc * ys * ys - 2 * cs * yc * ys) / (cc * ss - cs * cs) / yy)
    return out


def run_impl(name: str, t: np.ndarray, y: np.ndarray, fmin: float, df: float, nf: int):
    freq = fmin + df * np.arange(nf)
    one_thread = name.endswith("_1t")  # single-threaded variants: robust on a busy machine
    if name.startswith("tealeaves"):
        import tealeaves as tl

        method = "exact" if "exact" in name else "fast"
        threads = 1 if one_thread else 0
        return lambda: tl.lomb_scargle(t, y, frequency=freq, method=method, threads=threads).power
    if name.startswith("nifty_ls"):
        import nifty_ls

        extra = {"nthreads": 1} if one_thread else {}
        return lambda: nifty_ls.lombscargle(t, y, fmin=fmin, fmax=freq[-1], Nf=nf, **extra).power
    if name.startswith("astropy"):
        from astropy.timeseries import LombScargle

        method = name.split("_")[1]
        return lambda: LombScargle(t, y).power(freq, method=method, assume_regular_frequency=True)
    if name == "scipy":
        import scipy.signal

        omega = 2 * np.pi * freq
        return lambda: scipy.signal.lombscargle(t, y, omega, normalize=True, floating_mean=True)
    raise ValueError(name)


def worker(name: str, input_path: str, output_path: str, repeats: int) -> None:
    data = np.load(input_path)
    call = run_impl(
        name, data["t"], data["y"], float(data["fmin"]), float(data["df"]), int(data["nf"])
    )
    times = []
    start = time.perf_counter()
    power = call()  # warm-up (imports, plans, first-touch pages)
    first = time.perf_counter() - start
    budget_repeats = repeats if first < 1.0 else (3 if first < 10.0 else 0)
    for _ in range(budget_repeats):
        start = time.perf_counter()
        power = call()
        times.append(time.perf_counter() - start)
    np.save(output_path, np.asarray(power, dtype=np.float64))
    print(json.dumps({"first": first, "times": times or [first]}))


def threads_note() -> str:
    import tealeaves as tl  # noqa: F401  (fails early, with its own message, when not built)

    return (
        f"{os.cpu_count()} CPUs; tealeaves and nifty-ls choose their threads (the _1t rows "
        "use one), astropy and scipy use one"
    )


def time_in_subprocess(name: str, input_path: Path, out: Path, mode: str, repeats: int):
    env = dict(os.environ)
    env.pop("GLIBC_TUNABLES", None)
    if MODES[mode]:
        env["GLIBC_TUNABLES"] = MODES[mode]
    cmd = [sys.executable, __file__, "--worker", name, str(input_path), str(out), str(repeats)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return None, done.stderr.strip().splitlines()[-1] if done.stderr else "failed"
    return json.loads(done.stdout.strip().splitlines()[-1]), None


def should_skip(name: str, n: int, nf: int, rates: dict[str, float], budget: float) -> str | None:
    if name == "astropy_slow" and n * nf > MAX_SLOW_CELLS:
        return f"N*F = {n * nf:.0e} > {MAX_SLOW_CELLS:.0e} (N x F matrices, > ~4 GB)"
    if name in rates:
        estimate = n * nf / rates[name]
        if estimate > budget:
            return f"estimated {estimate:.0f} s > {budget:.0f} s budget"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--budget", type=float, default=60.0, help="skip peers slower than this")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        name, input_path, output_path, repeats = args.worker
        worker(name, input_path, output_path, int(repeats))
        return
    note = threads_note()
    rates = dict(RATE_GUESS)
    rows, skipped = [], []
    sizes = [
        (n, f)
        for n in (QUICK_N if args.quick else SIZES_N)
        for f in (QUICK_F if args.quick else SIZES_F)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for n, nf in sizes:
            input_path = Path(tmp) / f"in_{n}_{nf}.npz"
            make_input(n, nf, input_path)
            reference = None
            data = np.load(input_path)
            freq = float(data["fmin"]) + float(data["df"]) * np.arange(nf)
            picks, exact_ld = None, None
            for name in IMPLS:
                reason = should_skip(name, n, nf, rates, args.budget)
                if reason:
                    skipped.append((n, nf, name, reason))
                    continue
                for mode in MODES:
                    out = Path(tmp) / f"out_{name}_{mode}.npy"
                    result, error = time_in_subprocess(name, input_path, out, mode, args.repeats)
                    if result is None:
                        skipped.append((n, nf, name, f"{mode}: {error}"))
                        continue
                    power = np.load(out)
                    if name == "tealeaves_exact" and reference is None:
                        reference = power
                        # 64 frequencies across the grid and the highest peak, in long double
                        spread = np.linspace(0, nf - 1, 63).astype(int)
                        picks = np.unique(np.append(spread, np.argmax(reference)))
                        exact_ld = long_double_power(data["t"], data["y"], freq[picks])
                    median = float(np.median(result["times"]))
                    if name in rates:
                        rates[name] = n * nf / max(median, 1e-9)
                    error_max = (
                        float(np.max(np.abs(power - reference)) / np.max(np.abs(reference)))
                        if reference is not None and power.shape == reference.shape
                        else float("nan")
                    )
                    error_ld = (
                        float(np.max(np.abs(power[picks] - exact_ld)) / np.max(np.abs(exact_ld)))
                        if exact_ld is not None and power.shape == reference.shape
                        else float("nan")
                    )
                    rows.append(
                        dict(
                            n=n,
                            nf=nf,
                            impl=name,
                            mode=mode,
                            median_s=median,
                            runs=len(result["times"]),
                            max_rel_error=error_max,
                            long_double_error=error_ld,
                        )
                    )
                    print(
                        f"  N={n:>6} F={nf:>6} {name:<16} {mode:<8} {median * 1e3:10.2f} ms"
                        f"  err {error_max:.1e}",
                        file=sys.stderr,
                    )
    print_table(rows, skipped, note)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": machine(), "rows": rows, "skipped": skipped, "note": note}, indent=1
            )
        )


def machine() -> dict[str, str]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return {
        "cpu": cpu,
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "load": load,
    }


def print_table(rows: list[dict], skipped: list[tuple], note: str) -> None:
    info = machine()
    print(f"\nLomb-Scargle, standard normalisation, floating mean; {info['cpu']}; {note}")
    print(f"load average at the end (1, 5, 15 min): {info['load']}")
    print(
        "median seconds; x fast = time / tealeaves_fast time (same N, F, mode); "
        "error = max|p - p_exact| / max p_exact over all F; error vs long double: the same\n"
        "against a direct long-double sum at 64 frequencies (63 spread over the grid and the\n"
        "highest peak)\n"
    )
    print(
        "| N | F | implementation | mode | median s | x fast | max rel error "
        "| error vs long double |"
    )
    print("|---:|---:|---|---|---:|---:|---:|---:|")
    fast = {
        (r["n"], r["nf"], r["mode"]): r["median_s"] for r in rows if r["impl"] == "tealeaves_fast"
    }
    for r in rows:
        base = fast.get((r["n"], r["nf"], r["mode"]))
        ratio = f"{r['median_s'] / base:.2f}" if base else "-"
        err = "reference" if r["impl"] == "tealeaves_exact" else f"{r['max_rel_error']:.1e}"
        print(
            f"| {r['n']} | {r['nf']} | {r['impl']} | {r['mode']} | {r['median_s']:.4g} "
            f"| {ratio} | {err} | {r['long_double_error']:.1e} |"
        )
    print("\nnifty-ls time / tealeaves time (>1: tealeaves faster):")
    for key in sorted({(r["n"], r["nf"], r["mode"]) for r in rows}):
        times = {r["impl"]: r for r in rows if (r["n"], r["nf"], r["mode"]) == key}
        for suffix, label in (("", "default threads"), ("_1t", "1 thread each")):
            if f"nifty_ls{suffix}" in times and f"tealeaves_fast{suffix}" in times:
                nifty, ours = times[f"nifty_ls{suffix}"], times[f"tealeaves_fast{suffix}"]
                print(
                    f"  N={key[0]:>6} F={key[1]:>6} {key[2]:<8} {label:<16}"
                    f"{nifty['median_s'] / ours['median_s']:7.2f}x  (error "
                    f"{ours['max_rel_error']:.1e} vs nifty-ls {nifty['max_rel_error']:.1e})"
                )
    if skipped:
        print("\nskipped:")
        for n, nf, name, reason in skipped:
            print(f"  N={n} F={nf} {name}: {reason}")


if __name__ == "__main__":
    main()
