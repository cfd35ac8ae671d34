"""Seeded simulators of DNS lookup times, each with a known ground truth.

- ``beacon_times``: a machine schedule (period P, Gaussian jitter, missed beats).
- ``cache_expiry_times``: a resolver in front of steady demand: it asks upstream only when its
  cached answer has expired, so gaps never fall below the TTL (a "TTL floor").
- ``poisson_times``: chance: a homogeneous Poisson process.
- ``human_times``: a person: sessions in working hours of a UTC offset, bursty within.

``sample_log_rows``/``write_zeek_dns_log`` build the bundled sample ``lookups_sample.log``:
run ``python -m tealeaves.datasets.simulate`` (or this file) to regenerate it byte for byte.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np

Rng = np.random.Generator | int | None


def _rng(seed: Rng) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def beacon_times(
    period: float,
    start: float,
    end: float,
    *,
    jitter: float = 0.0,
    miss_probability: float = 0.0,
    phase: float | None = None,
    seed: Rng = None,
) -> np.ndarray:
    """t_k = start + phase + k period + N(0, jitter^2); each beat missed with miss_probability."""
    rng = _rng(seed)
    phase = rng.uniform(0, period) if phase is None else phase
    beats = start + phase + period * np.arange(int((end - start - phase) // period) + 1)
    times = beats + rng.normal(0.0, jitter, beats.size) if jitter > 0 else beats
    keep = rng.random(beats.size) >= miss_probability
    times = np.sort(times[keep])
    return times[(times >= start) & (times <= end)]


def poisson_times(rate: float, start: float, end: float, *, seed: Rng = None) -> np.ndarray:
    """Homogeneous Poisson process of ``rate`` events per second on [start, end]."""
    rng = _rng(seed)
    n = rng.poisson(rate * (end - start))
    return np.sort(rng.uniform(start, end, n))


def cache_expiry_times(
    ttl: float, demand_rate: float, start: float, end: float, *, seed: Rng = None
) -> np.ndarray:
    """Upstream lookups of a caching resolver under Poisson demand: gap = ttl + Exp(rate)."""
    rng = _rng(seed)
    times, t = [], start + rng.exponential(1.0 / demand_rate)
    while t <= end:
        times.append(t)
        t += ttl + rng.exponential(1.0 / demand_rate)
    return np.asarray(times)


def human_times(
    start: float,
    end: float,
    *,
    utc_offset_hours: float = 0.0,
    sessions_per_day: float = 8.0,
    lookups_per_session: float = 8.0,
    work_hours: tuple[float, float] = (9.0, 18.0),
    seed: Rng = None,
) -> np.ndarray:
    """A person at work: sessions on weekdays in local working hours, bursts within them.

    Session starts are uniform over the working hours of each local weekday; each session has
    1 + Poisson(lookups_per_session - 1) lookups separated by log-normal gaps (median 20 s).
    """
    rng = _rng(seed)
    offset = utc_offset_hours * 3600.0
    day0 = np.floor((start + offset) / 86400.0)
    times: list[float] = []
    for day in np.arange(day0, np.ceil((end + offset) / 86400.0)):
        if (int(day) + 3) % 7 >= 5:  # 1970-01-01 was a Thursday; skip Saturday and Sunday
            continue
        n_sessions = rng.poisson(sessions_per_day)
        begin = day * 86400.0 + work_hours[0] * 3600.0 - offset
        session_starts = begin + rng.uniform(
            0, (work_hours[1] - work_hours[0]) * 3600.0, n_sessions
        )
        for s in session_starts:
            n = 1 + rng.poisson(lookups_per_session - 1)
            gaps = rng.lognormal(np.log(20.0), 1.0, n - 1)
            times.extend(s + np.concatenate([[0.0], np.cumsum(gaps)]))
    out = np.sort(np.asarray(times))
    return out[(out >= start) & (out <= end)]


# The bundled sample: one day (a Wednesday) of four clients, each a known kind of lookup.
SAMPLE_START = 1467763200.0  # 2016-07-06 00:00:00 UTC
SAMPLE_END = SAMPLE_START + 86400.0
SAMPLE_SEED = 20160706
SAMPLE_SERIES = (
    # client, qname, qtype, ground truth
    ("10.1.0.5", "updates.vendor.example", "A", "machine: 300 s beacon, 1.5 s jitter"),
    ("10.1.0.7", "mail1.campaign.example", "A", "cache: TTL 600 s floor, Poisson demand"),
    ("10.1.0.9", "cdn.assets.example", "AAAA", "chance: Poisson, 1 per 400 s"),
    ("10.1.0.12", "intranet.corp.example", "A", "person: office hours in UTC+3"),
)


def sample_log_rows(seed: int = SAMPLE_SEED) -> list[tuple[float, str, str, str, int, float]]:
    """Rows (ts, client, qname, qtype, rcode, ttl) of the bundled sample, sorted by time."""
    rng = np.random.default_rng(seed)
    start, end = SAMPLE_START, SAMPLE_END
    columns = [
        beacon_times(300.0, start, end, jitter=1.5, seed=rng),
        cache_expiry_times(600.0, 1.0 / 60.0, start, end, seed=rng),
        poisson_times(1.0 / 400.0, start, end, seed=rng),
        human_times(start, end, utc_offset_hours=3.0, seed=rng),
    ]
    ttls = (60.0, 600.0, 300.0, 3600.0)
    rows = []
    for (client, qname, qtype, _), times, ttl in zip(SAMPLE_SERIES, columns, ttls):
        rows.extend((round(float(t), 6), client, qname, qtype, 0, ttl) for t in times)
    rows.sort(key=lambda row: row[0])
    return rows


_FIELDS = (
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "proto",
    "query",
    "qtype_name",
    "rcode",
    "rcode_name",
    "TTLs",
)
_TYPES = (
    "time",
    "string",
    "addr",
    "port",
    "addr",
    "port",
    "enum",
    "string",
    "string",
    "count",
    "string",
    "vector[interval]",
)


def zeek_dns_header(comments: Iterable[str] = ()) -> list[str]:
    """The header lines of a Zeek TSV dns.log with this module's columns; ``comments`` (whole
    "#..." lines) go after ``#path``."""
    return [
        "#separator \\x09",
        "#set_separator\t,",
        "#empty_field\t(empty)",
        "#unset_field\t-",
        "#path\tdns",
        *comments,
        "#fields\t" + "\t".join(_FIELDS),
        "#types\t" + "\t".join(_TYPES),
    ]


def write_zeek_dns_log(
    rows: Iterable[tuple[float, str, str, str, int, float]],
    path: Path,
    *,
    malformed: dict[int, str] | None = None,
) -> None:
    """A Zeek-style TSV dns.log; ``malformed`` maps a row index to a broken line put before it."""
    malformed = malformed or {}
    lines = zeek_dns_header()
    for i, (ts, client, qname, qtype, rcode, ttl) in enumerate(rows):
        if i in malformed:
            lines.append(malformed[i])
        uid = f"C{i:08x}"
        port = 40000 + (i * 7919) % 20000
        lines.append(
            f"{ts:.6f}\t{uid}\t{client}\t{port}\t10.1.0.1\t53\tudp\t{qname}\t{qtype}"
            f"\t{rcode}\tNOERROR\t{ttl:.6f}"
        )
    lines.append("#close\t2016-07-07-00-00-00")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


# Two deliberately broken lines, so the sample also shows malformed input being counted.
SAMPLE_MALFORMED = {
    100: "1467770000.5\tCbroken\t10.1.0.5\t40001",  # truncated: too few fields
    400: "not-a-time\tCbadts\t10.1.0.9\t40002\t10.1.0.1\t53\tudp\tcdn.assets.example\tAAAA"
    "\t0\tNOERROR\t300.000000",
}


def main(argv: list[str]) -> int:
    target = (
        Path(argv[1]) if len(argv) > 1 else Path(__file__).parent / "samples" / "lookups_sample.log"
    )
    write_zeek_dns_log(sample_log_rows(), target, malformed=SAMPLE_MALFORMED)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
