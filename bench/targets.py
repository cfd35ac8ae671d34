"""The target checks (PASS/MISS), planning times and the overhead breakdown."""

from __future__ import annotations

from typing import NamedTuple

from measures import MODES, first_call, iqr, median, ms, ratio

NOISY = 0.15  # flag a verdict when either side's IQR exceeds this fraction of its median


def spread(result: dict) -> float:
    times = result.get("times") or []
    return iqr(times) / median(result) if len(times) > 1 else 0.0


class Check(NamedTuple):
    passed: bool | None
    text: str


class Target(NamedTuple):
    what: str
    op: str
    top: str  # numerator row
    bottom: str  # denominator row
    limit: float
    at_most: bool  # True: ratio <= limit passes; False: ratio >= limit passes
    exponents: tuple[int, ...] = ()  # () = every size run
    modes: tuple[str, ...] = MODES


TARGETS = [
    Target(
        "reused periodogram / raw FFTW (estimate)", "periodogram", "tl_reused", "raw", 1.2, True
    ),
    Target(
        "reused periodogram / raw FFTW (measure)",
        "periodogram",
        "tl_reused_measure",
        "raw_measure",
        1.2,
        True,
    ),
    Target("reused ACF / raw FFTW acf", "acf", "tl_acf", "raw_acf", 1.3, True),
    Target(
        "one-off periodogram / numpy rfft+|X|^2", "periodogram", "tl_oneoff", "numpy", 1.0, True
    ),
    Target(
        "statsmodels ACF / tealeaves ACF",
        "acf",
        "statsmodels_acf",
        "tl_acf",
        10.0,
        False,
        (20,),
        ("default",),
    ),
    Target(
        "statsmodels ACF / tealeaves ACF",
        "acf",
        "statsmodels_acf",
        "tl_acf",
        3.0,
        False,
        (20,),
        ("hugetlb",),
    ),
]


def targets(results: dict) -> list[Check]:
    checks: list[Check] = []
    for t in TARGETS:
        for exponent, per_op in results["sizes"].items():
            if t.exponents and int(exponent) not in t.exponents:
                continue
            for mode in t.modes:
                where = f"{t.what} at 2^{exponent} [{mode}]"
                value = ratio(per_op[t.op], t.top, t.bottom, mode)
                if value is None:
                    checks.append(Check(None, f"{where}: not measured"))
                    continue
                ok = value <= t.limit if t.at_most else value >= t.limit
                sign = "<=" if t.at_most else ">="
                text = f"{where}: {value:.2f}x ({sign} {t.limit:g}x wanted)"
                worst = max(spread(per_op[t.op][k].get(mode, {})) for k in (t.top, t.bottom))
                if worst > NOISY:
                    text += f"  [noisy: IQR {worst:.0%} of median, re-run on a quiet machine]"
                checks.append(Check(ok, text))
    return checks


def verdict(check: Check) -> str:
    return {True: "PASS", False: "MISS", None: "n/a "}[check.passed]


def plan_lines(results: dict) -> list[str]:
    lines = []
    for exponent, plan in results["plans"].items():
        raw = results["sizes"][exponent]["periodogram"].get("raw", {}).get("default", {})
        raw_m = results["sizes"][exponent]["periodogram"].get("raw_measure", {})
        hit = raw_m.get("default", {}).get("wisdom_hit")
        measured = (
            f"{plan['plan_seconds']:.2f} s"
            if "plan_seconds" in plan
            else f"skipped: {plan.get('skipped') or plan.get('error')}"
        )
        lines.append(
            f"2^{exponent}: tealeaves FFTW_MEASURE r2c+c2r {measured}; raw FFTW_ESTIMATE"
            f" r2c {ms(raw.get('plan_seconds'))} ms; raw MEASURE reused that wisdom: "
            f"{'yes' if hit else 'no' if hit is not None else '-'}"
        )
    return lines


def breakdown_lines(results: dict) -> list[str]:
    """raw FFTW -> engine called from C++ -> tealeaves from Python, to locate the overhead."""
    lines = []
    chains = {
        "periodogram": ("raw", "engine", "tl_reused"),
        "acf": ("raw_acf", "engine_acf", "tl_acf"),
    }
    for exponent, per_op in results["sizes"].items():
        for op, (raw, engine, python) in chains.items():
            for mode in MODES:
                t = [median(per_op[op].get(k, {}).get(mode, {})) for k in (raw, engine, python)]
                if None in t:
                    continue
                lines.append(
                    f"2^{exponent} {op} [{mode}]: raw FFTW {ms(t[0])} ms -> engine C++ "
                    f"{ms(t[1])} ms ({t[1] / t[0]:.2f}x raw) -> Python "
                    f"{ms(t[2])} ms ({t[2] / t[1]:.2f}x engine)"
                )
    for exponent, per_op in results["sizes"].items():
        for mode in MODES:
            pair = [per_op["periodogram"].get(k, {}).get(mode, {}) for k in ("tl_oneoff", "numpy")]
            cold = [first_call(r) for r in pair]
            if None not in cold:
                lines.append(
                    f"2^{exponent} periodogram first call in a fresh process [{mode}]: "
                    f"tealeaves {ms(cold[0])} ms, numpy {ms(cold[1])} ms "
                    f"(numpy / tealeaves {cold[1] / cold[0]:.2f}x)"
                )
    return lines
