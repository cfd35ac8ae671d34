"""Z^2 benchmark worker: times one implementation on one input in this process, prints JSON.

    python bench/z2_worker.py IMPL INPUT N F0 OVERSAMPLE F BUDGET MAX_REPEATS
    python bench/z2_worker.py accuracy INPUT N F0 OVERSAMPLE F

bench/z2.py starts one such process per (implementation, N, F, allocator mode). INPUT holds N
sorted float64 event times; the grid is F frequencies f0 + k df with df = 1 / (OVERSAMPLE T),
T the span of the events (what tealeaves' make_grid uses). Only the libraries IMPL needs are
imported. Repeats run until MAX_REPEATS or until BUDGET seconds are spent (at least 3 for
tealeaves, and for a peer whose call takes under BUDGET / 3; else at least 1), after a warm-up
on the first <= 1024 frequencies (imports, numba JIT, lazy set-up), so that a 30 s call is not
paid twice.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np

HARMONICS = 2
WARMUP_FREQUENCIES = 1024
CHUNK_ELEMENTS = 1 << 22  # numpy: frequencies per chunk x events <= this (32 MiB per array)

# A case maps (number of frequencies) to a callable returning the Z^2_2 powers of that grid prefix.
Case = Callable[[int], Callable[[], np.ndarray]]


def grid(times: np.ndarray, f0: float, oversample: float, n: int) -> np.ndarray:
    """The same grid as tealeaves' make_grid: f0 + k / (oversample T), T = span of the events."""
    return f0 + np.arange(n) / (oversample * (times[-1] - times[0]))


def _tl_case(threads: int, times: np.ndarray, f0: float, oversample: float) -> Case:
    import tealeaves as tl

    df = 1.0 / (oversample * (times[-1] - times[0]))

    def make(n: int) -> Callable[[], np.ndarray]:
        fmax = f0 + (n - 0.5) * df  # floor((fmax - fmin) / df) + 1 = n grid points

        def call() -> np.ndarray:
            result = tl.z2n(
                times, harmonics=HARMONICS, fmin=f0, fmax=fmax, oversample=oversample,
                threads=threads,
            )  # fmt: skip
            if len(result.power) != n:
                raise RuntimeError(f"tealeaves grid has {len(result.power)} points, wanted {n}")
            return result.power

        return call

    return make


def numpy_z2(times: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """Textbook Z^2_2, vectorised over (frequency chunk x events).

    cos and sin of the phases once per pair; those of the doubled phases by the double-angle
    identities (sum cos 2p = sum c^2 - s^2, sum sin 2p = 2 sum s c), i.e. two transcendental
    calls per event-frequency pair, where the transcendental calls are nearly all the time.
    """
    n = len(times)
    out = np.empty(len(freqs))
    rows = max(1, CHUNK_ELEMENTS // n)
    for i in range(0, len(freqs), rows):
        phase = (2.0 * np.pi) * np.outer(freqs[i : i + rows], times)
        c, s = np.cos(phase), np.sin(phase)
        c1, s1 = c.sum(axis=1), s.sum(axis=1)
        cc, ss = np.einsum("ij,ij->i", c, c), np.einsum("ij,ij->i", s, s)
        c2, s2 = cc - ss, 2.0 * np.einsum("ij,ij->i", s, c)
        out[i : i + rows] = (2.0 / n) * (c1 * c1 + s1 * s1 + c2 * c2 + s2 * s2)
    return out


def numpy_z2_4trig(times: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """The literal version: cos and sin of the phases and of twice the phases (4 calls a pair)."""
    n = len(times)
    out = np.empty(len(freqs))
    rows = max(1, CHUNK_ELEMENTS // n)
    for i in range(0, len(freqs), rows):
        phase = (2.0 * np.pi) * np.outer(freqs[i : i + rows], times)
        total = np.cos(phase).sum(axis=1) ** 2 + np.sin(phase).sum(axis=1) ** 2
        phase *= 2.0
        total += np.cos(phase).sum(axis=1) ** 2 + np.sin(phase).sum(axis=1) ** 2
        out[i : i + rows] = (2.0 / n) * total
    return out


def _numpy_case(
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> Callable[[np.ndarray, float, float], Case]:
    def case(times: np.ndarray, f0: float, oversample: float) -> Case:
        def make(n: int) -> Callable[[], np.ndarray]:
            freqs = grid(times, f0, oversample, n)
            return lambda: fn(times, freqs)

        return make

    return case


def stingray_case(times: np.ndarray, f0: float, oversample: float) -> Case:
    from stingray.pulse.search import z_n_search

    def make(n: int) -> Callable[[], np.ndarray]:
        freqs = grid(times, f0, oversample, n)
        return lambda: z_n_search(times, freqs, nharm=HARMONICS)[1]

    return make


CASES: dict[str, Callable[[np.ndarray, float, float], Case]] = {
    "tl1": lambda t, f0, o: _tl_case(1, t, f0, o),
    "tl2": lambda t, f0, o: _tl_case(2, t, f0, o),
    "numpy": _numpy_case(numpy_z2),
    "numpy4": _numpy_case(numpy_z2_4trig),
    "stingray": stingray_case,
}


def stingray_info() -> dict[str, str]:
    try:
        import numba
    except ImportError:
        return {"numba": "not installed: stingray folds with np.histogram (much slower)"}
    return {"numba": numba.__version__}


def measure(
    impl: str, times: np.ndarray, f0: float, oversample: float, n: int, budget: float, cap: int
) -> dict[str, object]:
    make = CASES[impl](times, f0, oversample)
    t0 = time.perf_counter()
    make(min(n, WARMUP_FREQUENCIES))()
    warmup = time.perf_counter() - t0
    call = make(n)
    walls: list[float] = []
    cpus: list[float] = []
    faults: list[int] = []
    power = np.empty(0)
    gc.disable()
    start = time.perf_counter()
    while len(walls) < cap:
        f_before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        c0, t0 = time.process_time(), time.perf_counter()
        power = call()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f_before)
        last, spent = walls[-1], time.perf_counter() - start
        enough = len(walls) >= 3 or (last > budget / 3 and not impl.startswith("tl"))
        if spent + last > budget and enough:
            break
    gc.enable()
    freqs = grid(times, f0, oversample, n)
    out: dict[str, object] = {
        "warmup": warmup,
        "times": walls,
        "cpu": cpus,
        "faults": faults,
        "peak_hz": float(freqs[int(np.argmax(power))]),
        "peak_power": float(np.max(power)),
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    if impl == "stingray":
        out.update(stingray_info())
    return out


def reference_z2(times: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """Z^2_2 with the phases reduced in long double (x87 extended: 64-bit mantissa) before cos
    and sin, so that f t ~ 1e4 cycles keeps ~1e-15 of a cycle: a reference for both numpy (whose
    2 pi f t in double loses ~1e-11 rad) and tealeaves."""
    n = len(times)
    out = np.empty(len(freqs))
    rows = max(1, CHUNK_ELEMENTS // n // 4)
    t = times.astype(np.longdouble)
    for i in range(0, len(freqs), rows):
        cycles = np.outer(freqs[i : i + rows].astype(np.longdouble), t)
        phase = (2.0 * np.pi) * (cycles - np.floor(cycles)).astype(np.float64)
        total = np.cos(phase).sum(axis=1) ** 2 + np.sin(phase).sum(axis=1) ** 2
        phase = (4.0 * np.pi) * (cycles - np.floor(cycles)).astype(np.float64)
        total += np.cos(phase).sum(axis=1) ** 2 + np.sin(phase).sum(axis=1) ** 2
        out[i : i + rows] = (2.0 / n) * total
    return out


def accuracy_indices(n: int, peak: int, rng: np.random.Generator, points: int) -> np.ndarray:
    """~points grid points: around the peak, block ends (longest recurrences), random others."""
    near = np.arange(max(0, peak - points // 10), min(n, peak + points // 10 + 1))
    block_ends = np.arange(255, n, 256)[:: max(1, n // 256 // (points // 5))]
    spread = rng.choice(n, size=min(n, points // 2), replace=False)
    return np.unique(np.concatenate([near, block_ends, spread, [0, n - 1]]))


def accuracy(times: np.ndarray, f0: float, oversample: float, n: int) -> dict[str, object]:
    """tealeaves (textbook statistic, no window correction) against numpy on a grid subset."""
    import tealeaves as tl

    df = 1.0 / (oversample * (times[-1] - times[0]))
    kwargs = dict(
        harmonics=HARMONICS, fmin=f0, fmax=f0 + (n - 0.5) * df, oversample=oversample,
        window_correction=False,
    )  # fmt: skip
    z1 = tl.z2n(times, threads=1, **kwargs)
    z2 = tl.z2n(times, threads=2, **kwargs)
    peak = int(np.argmax(z2.power))
    points = 1200 if len(times) < 100_000 else 500  # the references cost ~N per point
    idx = accuracy_indices(n, peak, np.random.default_rng(7), points)
    freqs = z2.frequency[idx]
    ref = numpy_z2(times, freqs)
    exact = reference_z2(times, freqs)
    ours = z2.power[idx]
    out: dict[str, object] = {
        "points": len(idx),
        "max_rel": float(np.max(np.abs(ours - ref) / ref)),
        "max_abs_over_mean": float(np.max(np.abs(ours - ref)) / np.mean(ref)),
        "ref_max_rel": float(np.max(np.abs(ours - exact) / exact)),
        "numpy_ref_max_rel": float(np.max(np.abs(ref - exact) / exact)),
        "threads_identical": bool(np.array_equal(z1.power, z2.power)),
        "peak_hz": float(z2.frequency[peak]),
        "peak_power": float(z2.power[peak]),
    }
    try:
        from stingray.pulse.search import z_n_search
    except ImportError:
        return out
    sting = z_n_search(times, freqs, nharm=HARMONICS)[1]
    out["stingray_max_rel"] = float(np.max(np.abs(sting - ref) / ref))
    out["stingray_max_abs_over_mean"] = float(np.max(np.abs(sting - ref)) / np.mean(ref))
    k = int(np.searchsorted(idx, peak))
    out["stingray_peak_rel"] = float(abs(sting[k] - ref[k]) / ref[k])
    out.update(stingray_info())
    return out


def main(argv: list[str]) -> int:
    impl, path, n_events = argv[0], argv[1], int(argv[2])
    f0, oversample, n_freq = float(argv[3]), float(argv[4]), int(argv[5])
    warnings.simplefilter("ignore")  # stingray: numba notice; numpy: none expected
    times = np.fromfile(path, dtype=np.float64, count=n_events)
    if len(times) != n_events:
        raise SystemExit(f"{path}: expected {n_events} float64 values, got {len(times)}")
    if impl == "accuracy":
        result = accuracy(times, f0, oversample, n_freq)
    else:
        result = measure(impl, times, f0, oversample, n_freq, float(argv[6]), int(argv[7]))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
