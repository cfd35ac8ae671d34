"""Seeded scenario simulators with ground truth: who (or what) looked the name up?

Each function returns sorted UTC epoch seconds in ``[start, end]``. ``scenario`` draws one series
of a named class with randomised parameters; the verdict is calibrated and tested on it.

- ``person_times``: a person writing mail in an IANA zone (daylight saving honoured): sessions in
  working hours on weekdays, a few lookups per session, and replies that trigger more lookups
  (self-exciting bursts).
- ``campaign_cache_times``: a marketing or spam campaign received by a bank whose anti-spam
  appliance verifies each sender through a caching resolver: mails arrive in waves, but the
  resolver asks upstream only when its cached answer (TTL) has expired.
- ``retry_loop_times``: a misconfigured client retrying on a fixed period with jitter, backing off
  after failures.
- ``poller_and_person_times``: a machine poller and a person behind one resolver.

The other classes (resolver cache expiry behind steady demand, Poisson background, a plain
beacon) are in ``simulate``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np

from .simulate import Rng, _rng, beacon_times, cache_expiry_times, poisson_times

DAY = 86400.0
LABELS = ("periodic", "human", "random", "mixed")


def _local_midnights(start: float, end: float, zone: str | float) -> list[tuple[float, int]]:
    """(UTC epoch of local midnight, weekday 0=Monday) for each local day touching [start, end]."""
    if isinstance(zone, (int, float)):
        offset = float(zone) * 3600.0
        first = np.floor((start + offset) / DAY)
        days = np.arange(first, np.ceil((end + offset) / DAY) + 1)
        return [(d * DAY - offset, int((d + 3) % 7)) for d in days]
    tz = ZoneInfo(zone)
    day = datetime.fromtimestamp(start, tz).date() - timedelta(days=1)
    last = datetime.fromtimestamp(end, tz).date() + timedelta(days=1)
    out = []
    while day <= last:
        midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
        out.append((midnight.astimezone(timezone.utc).timestamp(), day.weekday()))
        day += timedelta(days=1)
    return out


def person_times(
    start: float,
    end: float,
    *,
    zone: str | float = "America/New_York",
    sessions_per_day: float = 6.0,
    lookups_per_session: float = 3.0,
    reply_probability: float = 0.3,
    reply_delay_s: float = 600.0,
    work_hours: tuple[float, float] = (9.0, 18.0),
    weekend_factor: float = 0.05,
    seed: Rng = None,
) -> np.ndarray:
    """A person writing mail in ``zone`` (IANA name, DST-aware, or a fixed UTC offset in hours).

    Session starts are Poisson over the local working hours (``weekend_factor`` times as many on
    Saturday and Sunday); a session holds 1 + Poisson(lookups_per_session - 1) lookups with
    log-normal gaps (median 20 s). Each lookup, with ``reply_probability``, brings a reply that is
    looked up again after an exponential delay (mean ``reply_delay_s``): a self-exciting cascade
    with branching ratio ``reply_probability``.
    """
    rng = _rng(seed)
    hours = work_hours[1] - work_hours[0]
    times: list[float] = []
    for midnight, weekday in _local_midnights(start, end, zone):
        mean = sessions_per_day * (weekend_factor if weekday >= 5 else 1.0)
        begins = midnight + 3600.0 * (work_hours[0] + rng.uniform(0, hours, rng.poisson(mean)))
        for begin in begins:
            n = 1 + rng.poisson(lookups_per_session - 1)
            session = begin + np.concatenate(
                [[0.0], np.cumsum(rng.lognormal(np.log(20), 1, n - 1))]
            )
            times.extend(_with_replies(session, reply_probability, reply_delay_s, rng))
    out = np.sort(np.asarray(times, dtype=float))
    return out[(out >= start) & (out <= end)]


def _with_replies(seeds: np.ndarray, p: float, delay: float, rng: np.random.Generator) -> list:
    """The seed lookups plus their reply cascade (each event begets a reply with probability p)."""
    out, generation = list(seeds), np.asarray(seeds)
    while generation.size:
        parents = generation[rng.random(generation.size) < p]
        generation = parents + rng.exponential(delay, parents.size)
        out.extend(generation)
    return out


def campaign_cache_times(
    start: float,
    end: float,
    *,
    ttl: float = 3600.0,
    waves_per_week: float = 4.0,
    wave_hours: tuple[float, float] = (6.0, 30.0),
    mails_per_hour: float = 20.0,
    seed: Rng = None,
) -> np.ndarray:
    """Upstream lookups of a caching resolver that checks each received campaign mail's sender.

    Waves start as a Poisson process (``waves_per_week``) at any hour and last a uniform
    ``wave_hours`` range; mails arrive as Poisson at ``mails_per_hour`` within a wave. A mail
    triggers an upstream lookup only when the cached answer is older than ``ttl``, so inside a
    wave the lookups come about once per TTL (a machine rhythm set by the cache, not a person).
    """
    rng = _rng(seed)
    n_waves = rng.poisson(waves_per_week * (end - start) / (7 * DAY))
    begins = np.sort(rng.uniform(start, end, n_waves))
    mails: list[np.ndarray] = []
    for begin in begins:
        length = 3600.0 * rng.uniform(*wave_hours)
        n = rng.poisson(mails_per_hour * length / 3600.0)
        mails.append(begin + rng.uniform(0, length, n))
    arrivals = np.sort(np.concatenate(mails)) if mails else np.empty(0)
    lookups, expires = [], -np.inf
    for t in arrivals:
        if t >= expires:
            lookups.append(t)
            expires = t + ttl
    out = np.asarray(lookups, dtype=float)
    return out[(out >= start) & (out <= end)]


def retry_loop_times(
    period: float,
    start: float,
    end: float,
    *,
    jitter: float = 1.0,
    failure_probability: float = 0.1,
    backoff: float = 2.0,
    max_delay: float | None = None,
    seed: Rng = None,
) -> np.ndarray:
    """A client retrying every ``period`` (Gaussian ``jitter``); after a failed attempt it waits
    ``backoff`` times longer (up to ``max_delay``, default 8 periods), after a success one
    ``period``."""
    rng = _rng(seed)
    max_delay = 8 * period if max_delay is None else max_delay
    times, t, delay = [], start + rng.uniform(0, period), period
    while t <= end:
        times.append(t)
        failed = rng.random() < failure_probability
        delay = min(delay * backoff, max_delay) if failed else period
        t += max(delay + rng.normal(0.0, jitter), 1e-3)
    return np.asarray(times, dtype=float)


def poller_and_person_times(
    start: float,
    end: float,
    *,
    period: float = 300.0,
    jitter: float = 2.0,
    zone: str | float = "Europe/Moscow",
    seed: Rng = None,
    **person: float,
) -> np.ndarray:
    """A machine polling every ``period`` and a person in ``zone``, behind one resolver."""
    rng = _rng(seed)
    poller = beacon_times(period, start, end, jitter=jitter, seed=rng)
    human = person_times(start, end, zone=zone, seed=rng, **person)
    return np.sort(np.concatenate([poller, human]))


# The documented sample size of ``scenario``: two weeks from a Monday, 00:00 UTC.
SCENARIO_START = 1467590400.0  # 2016-07-04
SCENARIO_DAYS = 14
_ZONES = ("America/New_York", "America/Los_Angeles", "Europe/Moscow", "Europe/London", "Asia/Tokyo")


def scenario(label: str, seed: int, *, days: int = SCENARIO_DAYS) -> tuple[np.ndarray, str, str]:
    """One series of class ``label`` (``LABELS``) with randomised parameters.

    Returns (times, label, kind) where kind names the generator. Classes:
    periodic = beacon, retry loop, campaign through a caching resolver, or cache expiry;
    human = a person (random zone, 4-10 sessions a day); random = Poisson (50-2000 events);
    mixed = a poller (60 s-1 h) plus a person.
    """
    if label not in LABELS:
        raise ValueError(f"label: expected one of {LABELS}, got {label!r}")
    rng = np.random.default_rng([seed, LABELS.index(label)])
    start, end = SCENARIO_START, SCENARIO_START + days * DAY
    kind = str(rng.choice(_KINDS[label]))
    return np.asarray(_GENERATORS[kind](rng, start, end)), label, kind


def _person(rng: np.random.Generator, start: float, end: float) -> np.ndarray:
    return person_times(
        start,
        end,
        zone=str(rng.choice(_ZONES)),
        sessions_per_day=rng.uniform(4, 10),
        reply_probability=rng.uniform(0.1, 0.5),
        seed=rng,
    )


_GENERATORS = {
    "beacon": lambda rng, s, e: beacon_times(
        float(rng.choice([60.0, 300.0, 900.0, 3600.0])),
        s,
        e,
        jitter=rng.uniform(0, 5),
        miss_probability=rng.uniform(0, 0.3),
        seed=rng,
    ),
    "retry_loop": lambda rng, s, e: retry_loop_times(
        float(rng.choice([30.0, 120.0, 600.0])), s, e, jitter=rng.uniform(0, 3), seed=rng
    ),
    "campaign_cache": lambda rng, s, e: campaign_cache_times(
        s, e, ttl=float(rng.choice([600.0, 3600.0])), waves_per_week=rng.uniform(4, 7), seed=rng
    ),
    "cache_expiry": lambda rng, s, e: cache_expiry_times(
        float(rng.choice([300.0, 3600.0])), rng.uniform(1 / 600, 1 / 30), s, e, seed=rng
    ),
    "person": _person,
    "poisson": lambda rng, s, e: poisson_times(
        np.exp(rng.uniform(np.log(50), np.log(2000))) / (e - s), s, e, seed=rng
    ),
    "poller_and_person": lambda rng, s, e: np.sort(
        np.concatenate(
            [
                beacon_times(float(rng.choice([60.0, 300.0, 3600.0])), s, e, jitter=2, seed=rng),
                _person(rng, s, e),
            ]
        )
    ),
}
_KINDS = {
    "periodic": ("beacon", "retry_loop", "campaign_cache", "cache_expiry"),
    "human": ("person",),
    "random": ("poisson",),
    "mixed": ("poller_and_person",),
}
