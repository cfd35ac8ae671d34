"""SYNTHETIC reconstruction of the 2016 lookups of ``mail1.trump-email.com`` (Alfa Bank, Spectrum).

The raw name-server logs are not public, so this is **not** the 2016 data: it is a Zeek-style
``dns.log`` built by ``generate.py`` (seeded) to agree exactly with every published number
(``FACTS``, each with its source) and filled in with stated assumptions (``ASSUMPTIONS``, each
with its reason). Use it to show what the engine does on data *shaped like* the published
descriptions; a finding on it is a property of the assumptions, never evidence about 2016.

>>> from tealeaves.datasets import alfa2016
>>> df = alfa2016.load()            # read with tealeaves.read_log (needs the compiled engine)
>>> alfa2016.path()                 # the shipped file
>>> alfa2016.truth()                # every row with the component that generated it
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import generate
from .generate import (
    ALFA_A,
    ALFA_B,
    ALFA_MINOR,
    END,
    FILENAME,
    NEW_QNAME,
    QNAME,
    SEED,
    SPECTRUM,
    START,
)

if TYPE_CHECKING:
    import pandas as pd

_TAKE3 = "https://medium.com/@ds_79963/trump-tower-server-take-3-946d70132906"
_TAKE4 = "https://medium.com/@ds_79963/take-4-trump-server-mind-the-gaps-4ca0f55e6686"
_TAKE5 = "https://medium.com/@ds_79963/take-5-break-time-for-speculation-12f794879797"
_CNN = "https://www.cre8noh8.org/us-government/team-trump/russiagate/the-investigated/alfa-bank/"
_THREAD = "https://threadreaderapp.com/thread/1095954761910763520.html"

# (key, what the file reproduces exactly, source) - from
# ../shared/data/alfa-bank-trump-email-dns-facts/FACTS.md and published_aggregates.csv.
FACTS: tuple[tuple[str, str, str], ...] = (
    ("qname", f"A-record lookups of {QNAME}", "deependresearch.org, 20 Mar 2017 (FACTS.md s1)"),
    (
        "sources",
        f"Alfa A {ALFA_A}, Alfa B {ALFA_B}, Alfa minor {ALFA_MINOR} (few), Spectrum {SPECTRUM}",
        _TAKE3,
    ),
    ("alfa_count", "Alfa Bank: exactly 2,820 lookups, 4 May - 23 Sep 2016", _CNN + " (CNN)"),
    ("spectrum_count", "Spectrum Health: exactly 714 lookups, same window", _CNN + " (CNN)"),
    ("share", "Alfa + Spectrum = 99% of all lookups (3534 of 3570)", _CNN + " (CNN)"),
    ("window", "first lookup 4 May 2016, last lookup 23 Sep 2016 (UTC)", _CNN + " (CNN)"),
    ("silence", "no lookups from anyone on the weekend 23-24 July 2016", _TAKE3 + " ; " + _TAKE5),
    ("alfa_hourly_onset", "hourly (1 h cycle) Alfa lookups only from 24-25 July", _TAKE4),
    ("spectrum_hourly", "Spectrum on the 1-hour cycle throughout", _TAKE5),
    ("aperiodic_rise", "non-periodic Alfa activity rises ~23 June", _TAKE5),
    ("aperiodic_gaps", "no non-periodic Alfa lookups 9-17 Aug and 13-20 Sep", _TAKE4),
    (
        "compensation",
        "when non-periodic Alfa activity falls, periodic rises (total nearly constant)",
        _TAKE5,
    ),
    ("lockstep", "the two Alfa resolvers act as one machine (synchronised)", _THREAD),
    (
        "bursts",
        "bursts just after the hour expires, gap often 5-10 min longer, some bursts >= 20 s",
        _THREAD,
    ),
    (
        "stop",
        "23 Sep: forward record removed; run-on Alfa query 13:56:29Z, traffic stopped ~90 s later",
        "http://ljean.com/NetworkRecords/intranet/ ; http://www.ljean.com/NetworkRecords/cendynbank/",
    ),
    (
        "new_name",
        f"27 Sep: {NEW_QNAME} created; the first lookup of it came from Alfa Bank",
        "https://dailysoundandfury.com/could-alfa-bank-servers-be-the/ (quoting Slate)",
    ),
)

# (key, what was invented, why) - none of these is published; change them in generate.py.
ASSUMPTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "timestamps",
        "every individual time stamp is drawn from a seeded model",
        "the raw logs are not public; only totals, dates and shapes are",
    ),
    (
        "alfa_split",
        "Alfa A 1,412, Alfa B 1,400, 217.12.97.137 8 (inside the 2,820)",
        "'A and B have nearly the same rate', .137 'few'; the split is not published",
    ),
    (
        "lockstep_model",
        "one Alfa machine; each of its lookups reaches both resolvers within 1.5 s "
        "(1,300 times), A only (112) or B only (100)",
        "the simplest mechanism for 'acting as one machine'",
    ),
    (
        "others",
        "36 lookups from 5 documentation addresses (192.0.2/24, 198.51.100/24, 203.0.113/24)",
        "99% gives (2820 + 714) / 0.99 - 3534 = 36; the other lookers' addresses are not known "
        "(CNN's 80% Alfa share cannot hold together with 99%: here Alfa is 79%)",
    ),
    (
        "cache_model",
        "hourly lookups come in demand runs (1 + Poisson(13) beats for Spectrum, 1 + Poisson(11) "
        "for Alfa) separated by idle stretches of Exp(44 h / level) (Spectrum) or Exp(16 h / "
        "level) (Alfa; 6 h in the aperiodic gaps); a beat comes 3600 s + Exp(60 s) after the "
        "last, or 5-10 min late with probability 0.15; 20% of beats carry 2-3 lookups within 30 s",
        "a ~1 h cache lifetime is inferred by analysts (the TTL is not published); run lengths "
        "and delays are chosen to give the published daily volumes",
    ),
    (
        "levels",
        "activity 0.25 (4 May), 0.6 (from 23 June), 1.0 (from 25 July) of the full rate, for both "
        "periodic and aperiodic lookups of Alfa and Spectrum",
        "'sporadic, then low, then moderate'; 'Alfa and Spectrum rates track each other'",
    ),
    (
        "aperiodic_hours",
        "non-periodic Alfa lookups in weekday office hours (09-18 local) of Moscow (UTC+3) or "
        "New York (UTC-4), equally likely; sessions of 1 + Poisson(2) lookups, log-normal gaps",
        "encodes the claim quoted by Slate (not a finding): a notebook that 'finds' Moscow and "
        "New York hours in this file finds this assumption",
    ),
    (
        "spectrum_remainder",
        "Spectrum lookups beyond its hourly runs (up to 714) are uniform in time",
        "keeps Spectrum's count exact without giving it a daily rhythm",
    ),
    (
        "stop_time",
        "nothing after 2016-09-23 13:57:59Z; the last Alfa session at 13:56:41-13:57:27",
        "'traffic stopped ~90 s' after the 13:56:29 run-on query; the run-on name is not "
        "published, so it is not in the file",
    ),
    (
        "new_name_time",
        "one lookup of the new name, by Alfa A, at a seeded time 12-20 h UTC on 27 Sep",
        "resolver and time of day are not published",
    ),
    (
        "log_fields",
        "name servers 192.0.2.1-3 stand in for ns1-3.cdcservices.com; ports and uids invented; "
        "rcode NOERROR; TTLs unset ('-'); no duplicate log lines",
        "the published text gives none of these",
    ),
)


def path() -> Path:
    """The shipped synthetic ``dns.log`` (Zeek TSV, plain text)."""
    return Path(__file__).resolve().parent / FILENAME


def load() -> pd.DataFrame:
    """The shipped file read by :func:`tealeaves.read_log` (``df.attrs["ingest"]`` has counts)."""
    from tealeaves.io import read_log

    return read_log(path(), format="zeek")


def truth(seed: int = SEED) -> pd.DataFrame:
    """Every synthetic lookup with the component that made it (the ground truth of the file).

    Columns ``ts``, ``client``, ``qname`` and ``component``: "spectrum-hourly",
    "spectrum-random", "alfa-hourly", "alfa-aperiodic", "alfa-minor", "other", "alfa-new-name".
    Rows are in file order for the shipped seed.
    """
    import pandas as pd

    return pd.DataFrame(generate.rows(seed), columns=["ts", "client", "qname", "component"])


__all__ = [
    "ALFA_A",
    "ALFA_B",
    "ALFA_MINOR",
    "ASSUMPTIONS",
    "END",
    "FACTS",
    "NEW_QNAME",
    "QNAME",
    "SEED",
    "SPECTRUM",
    "START",
    "generate",
    "load",
    "path",
    "truth",
]
