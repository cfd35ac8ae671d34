"""SYNTHETIC reconstruction of the 2016 lookups of ``mail1.trump-email.com`` (not the real logs).

The raw query logs of the name servers (``ns1/ns2/ns3_cdcservices_com.log``) are not public.
This generator builds a Zeek-style ``dns.log`` that matches every *published* number about them
exactly (counts per source, dates, silences, stop, new name; see ``FACTS`` in ``__init__.py``)
and fills in everything else with stated, seeded *assumptions* (``ASSUMPTIONS``). Individual
timestamps are invented: never read a single lookup in this file as evidence of anything.

Run ``python -m tealeaves.datasets.alfa2016.generate`` (or this file) to rewrite the shipped
``alfa2016_dns.log`` byte for byte; ``generate.py OUT`` writes elsewhere. Needs numpy only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from tealeaves.datasets.simulate import zeek_dns_header

SEED = 20160504
HOUR = 3600.0
DAY = 86400.0
FILENAME = "alfa2016_dns.log"


def utc(text: str) -> float:
    """Epoch seconds of an ISO date or date-time taken as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


# ---- Published facts (FACTS.md / published_aggregates.csv); tests assert each of them ----------
QNAME = "mail1.trump-email.com"
NEW_QNAME = "trump1.contact-client.com"
ALFA_A = "217.12.96.15"
ALFA_B = "217.12.97.15"
ALFA_MINOR = "217.12.97.137"
SPECTRUM = "167.73.110.8"
ALFA_CLIENTS = (ALFA_A, ALFA_B, ALFA_MINOR)
N_ALFA = 2820  # lookups by Alfa Bank, 4 May - 23 Sep 2016 (CNN, Mar 2017)
N_SPECTRUM = 714  # lookups by Spectrum Health, same window (CNN)
START = utc("2016-05-04")  # first lookup in the data set
SILENCE = (utc("2016-07-23"), utc("2016-07-25"))  # the weekend 23-24 July: no lookups at all
ALFA_PERIODIC_ONSET = utc("2016-07-25")  # hourly Alfa lookups from 24-25 July
APERIODIC_RISE = utc("2016-06-23")  # non-periodic Alfa activity rises ~23 June
APERIODIC_GAPS = (  # gaps in non-periodic Alfa activity (Schiminovich, Take 4), whole UTC days
    (utc("2016-08-09"), utc("2016-08-18")),
    (utc("2016-09-13"), utc("2016-09-21")),
)
RUNON_QUERY = utc("2016-09-23T13:56:29")  # Alfa intranet run-on query; traffic stopped ~90 s later
END = RUNON_QUERY + 90.0  # 23 Sep: the forward record was removed; nothing after this
NEW_NAME_DAY = utc("2016-09-27")  # trump1.contact-client.com created; first lookup by Alfa
PERIOD = 3600.0  # the 1-hour cycle of the periodic lookups

# ---- Assumptions (ASSUMPTIONS in __init__.py says why); change them here, not in the data ------
N_ALFA_MINOR = 8  # "few" lookups by 217.12.97.137, counted inside Alfa's 2,820
N_ALFA_A_ONLY = 112  # Alfa logical lookups seen at resolver A only ...
N_ALFA_B_ONLY = 100  # ... at B only; the rest reach both resolvers within LOCKSTEP_S seconds
N_ALFA_A = 1412  # A and B "nearly the same rate": 1412 + 1400 + 8 = 2820
N_ALFA_B = N_ALFA - N_ALFA_MINOR - N_ALFA_A
LOCKSTEP_S = 1.5
OTHER_CLIENTS = ("192.0.2.10", "192.0.2.77", "198.51.100.23", "198.51.100.140", "203.0.113.5")
N_OTHER = 36  # (2820 + 714) / 0.99 - 3534 = 36 lookups by everyone else
NAME_SERVERS = ("192.0.2.1", "192.0.2.2", "192.0.2.3")  # stand-ins for ns1/ns2/ns3.cdcservices
# Activity level of the demand behind both periodic and aperiodic lookups: "sporadic" in May,
# "low" from the 23 June rise, "moderate" after the silence (Schiminovich, Take 3).
LEVELS = ((START, 0.25), (APERIODIC_RISE, 0.6), (SILENCE[1], 1.0))
CACHE_DELAY_MEAN_S = 60.0  # a beat comes this long (exponential) after the hour expires ...
LATE_PROBABILITY = 0.15  # ... or, with this probability, 5-10 min late
BURST_PROBABILITY = 0.2  # a beat carries 2-3 lookups spread over up to BURST_SPREAD_S
BURST_SPREAD_S = 30.0
SPECTRUM_RUN_BEATS = 14.0  # mean beats of a Spectrum demand run (1 + Poisson)
SPECTRUM_OFF_HOURS = 44.0  # mean hours between Spectrum runs at level 1
ALFA_RUN_BEATS = 12.0
ALFA_OFF_HOURS = 16.0  # at level 1 and outside the aperiodic gaps ...
ALFA_OFF_HOURS_IN_GAP = 6.0  # ... and inside them (periodic rises when aperiodic falls)
SESSION_LOOKUPS = 3.0  # aperiodic sessions: 1 + Poisson(2) lookups, log-normal gaps (median 20 s)
OFFICE_HOURS = (9.0, 18.0)
OFFICE_ZONES_H = (3.0, -4.0)  # Moscow (MSK, UTC+3) and New York (EDT, UTC-4), equally likely
SPECTRUM_RANDOM_MIN = 10  # Spectrum lookups outside the hourly runs: the remainder up to 714


def level(t: float) -> float:
    """The assumed activity level at time t (0 in the silence and after the stop)."""
    if SILENCE[0] <= t < SILENCE[1] or t >= END or t < START:
        return 0.0
    value = 0.0
    for since, v in LEVELS:
        if t >= since:
            value = v
    return value


def in_aperiodic_gap(t: float) -> bool:
    return any(a <= t < b for a, b in APERIODIC_GAPS)


def _usable(t: float) -> bool:
    return START <= t < END and not (SILENCE[0] <= t < SILENCE[1])


def _beat(rng: np.random.Generator) -> list[float]:
    """Offsets of the lookups of one beat (one cache refill), the first at 0."""
    if rng.random() >= BURST_PROBABILITY:
        return [0.0]
    extra = int(rng.integers(1, 3))
    return [0.0, *np.sort(rng.uniform(1.0, BURST_SPREAD_S, extra)).tolist()]


def _gap(rng: np.random.Generator) -> float:
    """Time from one beat to the next inside a run: the hour, plus the wait for demand."""
    if rng.random() < LATE_PROBABILITY:
        return PERIOD + rng.uniform(300.0, 600.0)
    return PERIOD + rng.exponential(CACHE_DELAY_MEAN_S)


def hourly_runs(
    rng: np.random.Generator,
    start: float,
    run_beats: float,
    off_hours: Callable[[float], float],
) -> list[float]:
    """Cache-driven hourly lookups: demand runs (a beat an hour) separated by idle stretches.

    ``off_hours(t)`` is the mean idle time before the next run at time t (inf: no run). A run
    stops at the silence, the stop, or its drawn length; beats never come closer than an hour.
    """
    times: list[float] = []
    t = start
    while t < END:
        mean_off = off_hours(t)
        if not np.isfinite(mean_off):
            t += HOUR
            continue
        t += rng.exponential(mean_off * HOUR)
        if not _usable(t):
            continue
        n_beats = 1 + int(rng.poisson(run_beats - 1.0))
        beat = t
        for _ in range(n_beats):
            if not _usable(beat):
                break
            times.extend(beat + dt for dt in _beat(rng) if _usable(beat + dt))
            beat += _gap(rng)
        t = beat
    return times


def _office_session_start(rng: np.random.Generator, day: float) -> float:
    offset = OFFICE_ZONES_H[int(rng.integers(len(OFFICE_ZONES_H)))] * HOUR
    local = rng.uniform(OFFICE_HOURS[0], OFFICE_HOURS[1]) * HOUR
    return day + local - offset


def _is_weekday(day: float) -> bool:
    return (int(day // DAY) + 3) % 7 < 5  # 1970-01-01 was a Thursday


def office_sessions(
    rng: np.random.Generator, n: int, days: np.ndarray, weights: np.ndarray
) -> list[float]:
    """Exactly n aperiodic lookups: per-day counts ~ multinomial(weights), sessions in office
    hours of Moscow or New York, 1 + Poisson(2) lookups a session with log-normal gaps."""
    per_day = rng.multinomial(n, weights / weights.sum())
    times: list[float] = []
    for day, k in zip(days, per_day):
        got: list[float] = []
        while len(got) < k:
            s = _office_session_start(rng, float(day))
            m = 1 + int(rng.poisson(SESSION_LOOKUPS - 1.0))
            session = s + np.concatenate(
                [[0.0], np.cumsum(rng.lognormal(np.log(20.0), 1.0, m - 1))]
            )
            got.extend(float(x) for x in session if _usable(x))
        times.extend(got[:k])
    return times


def _trim_runs(rng: np.random.Generator, times: list[float], limit: int) -> list[float]:
    """Drop random lookups until at most ``limit`` remain (only when a seed overshoots)."""
    if len(times) <= limit:
        return sorted(times)
    keep = np.sort(rng.choice(len(times), size=limit, replace=False))
    return sorted(np.asarray(sorted(times))[keep].tolist())


def _day_grid(predicate: Callable[[float], bool]) -> tuple[np.ndarray, np.ndarray]:
    days = np.arange(START, END, DAY)
    weights = np.array([level(d + DAY / 2) if predicate(d) else 0.0 for d in days])
    return days, weights


def spectrum_lookups(rng: np.random.Generator) -> tuple[list[float], list[float]]:
    """Spectrum's hourly-run lookups and the remainder up to 714 (uniform in time)."""

    def off(t: float) -> float:
        lv = level(t)
        return SPECTRUM_OFF_HOURS / lv if lv > 0 else np.inf

    periodic = _trim_runs(
        rng, hourly_runs(rng, START, SPECTRUM_RUN_BEATS, off), N_SPECTRUM - SPECTRUM_RANDOM_MIN
    )
    n_rest = N_SPECTRUM - len(periodic)
    days, weights = _day_grid(lambda d: True)
    per_day = rng.multinomial(n_rest, weights / weights.sum())
    rest: list[float] = []
    for day, k in zip(days, per_day):
        for _ in range(k):  # uniform in the usable part of the day (a misconfigured job, 24/7)
            while True:
                x = float(day) + rng.uniform(0.0, DAY)
                if _usable(x):
                    rest.append(x)
                    break
    return periodic, sorted(rest)


def alfa_logical(rng: np.random.Generator) -> tuple[list[float], list[float]]:
    """Alfa's logical lookups (before splitting over resolvers A and B): periodic, aperiodic."""
    n_logical = (N_ALFA_A - N_ALFA_A_ONLY) + N_ALFA_A_ONLY + N_ALFA_B_ONLY  # both + A + B only

    def off(t: float) -> float:
        lv = level(t)
        if lv <= 0 or t < ALFA_PERIODIC_ONSET:
            return np.inf
        return (ALFA_OFF_HOURS_IN_GAP if in_aperiodic_gap(t) else ALFA_OFF_HOURS) / lv

    final = [END - 90.0 + x for x in (12.0, 31.0, 58.0)]  # the last session, after the run-on
    periodic = [
        t for t in hourly_runs(rng, ALFA_PERIODIC_ONSET, ALFA_RUN_BEATS, off) if t < final[0]
    ]
    periodic = _trim_runs(rng, periodic, n_logical - len(final) - 200)
    n_aperiodic = n_logical - len(periodic) - len(final)
    days, weights = _day_grid(
        lambda d: _is_weekday(d) and not in_aperiodic_gap(d) and d + DAY <= RUNON_QUERY
    )
    aperiodic = office_sessions(rng, n_aperiodic, days, weights) + final
    return periodic, sorted(aperiodic)


def rows(seed: int = SEED) -> list[tuple[float, str, str, str]]:
    """(ts, client, qname, component) of every synthetic lookup, sorted by time."""
    rng = np.random.default_rng(seed)
    out: list[tuple[float, str, str, str]] = []
    hourly, rest = spectrum_lookups(rng)
    out += [(t, SPECTRUM, QNAME, "spectrum-hourly") for t in hourly]
    out += [(t, SPECTRUM, QNAME, "spectrum-random") for t in rest]
    periodic, aperiodic = alfa_logical(rng)
    logical = [(t, "alfa-hourly") for t in periodic] + [(t, "alfa-aperiodic") for t in aperiodic]
    logical.sort()
    n_both = N_ALFA_A - N_ALFA_A_ONLY
    roles = np.array(["both"] * n_both + ["A"] * N_ALFA_A_ONLY + ["B"] * N_ALFA_B_ONLY)
    roles = roles[rng.permutation(len(roles))]
    for (t, component), role in zip(logical, roles):
        lag = rng.uniform(0.05, LOCKSTEP_S)
        lag = lag if _usable(t + lag) else -lag  # the pair stays inside the usable window
        first, second = (ALFA_A, ALFA_B) if rng.random() < 0.5 else (ALFA_B, ALFA_A)
        if role == "both":
            out += [(t, first, QNAME, component), (t + lag, second, QNAME, component)]
        else:
            out.append((t, ALFA_A if role == "A" else ALFA_B, QNAME, component))
    for t in np.sort(rng.uniform(START, SILENCE[0], N_ALFA_MINOR)):
        out.append((float(t), ALFA_MINOR, QNAME, "alfa-minor"))
    other_days, other_w = _day_grid(lambda d: True)
    for k, day in enumerate(rng.choice(other_days, size=N_OTHER, p=other_w / other_w.sum())):
        while True:
            t = float(day) + rng.uniform(0.0, DAY)
            if _usable(t):
                break
        out.append((t, OTHER_CLIENTS[k % len(OTHER_CLIENTS)], QNAME, "other"))
    new_name = NEW_NAME_DAY + rng.uniform(12.0, 20.0) * HOUR  # time of day: an assumption
    out.append((new_name, ALFA_A, NEW_QNAME, "alfa-new-name"))
    out = [(round(float(t), 6), c, q, comp) for t, c, q, comp in out]
    out.sort(key=lambda r: (r[0], r[1]))
    return out


HEADER_LINES = 8  # comment lines before the data rows: 7 header lines + 1 "#synthetic"
FOOTER_LINES = 1  # "#close"


def render(seed: int = SEED) -> str:
    """The text of the shipped log: a Zeek TSV dns.log, TTLs unset ("-": not published)."""
    lines = zeek_dns_header(
        [
            "#synthetic\tSYNTHETIC reconstruction from published facts, not the real 2016 logs;"
            f" tealeaves datasets/alfa2016/generate.py seed {seed}"
        ]
    )
    rng = np.random.default_rng([seed, 1])
    for i, (ts, client, qname, _) in enumerate(rows(seed)):
        port = int(rng.integers(1024, 65536))
        server = NAME_SERVERS[int(rng.integers(len(NAME_SERVERS)))]
        lines.append(
            f"{ts:.6f}\tC{i:08x}\t{client}\t{port}\t{server}\t53\tudp\t{qname}\tA\t0\tNOERROR\t-"
        )
    lines.append("#close\t2016-09-28-00-00-00")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / FILENAME
    target.write_text(render(), encoding="utf-8", newline="\n")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
