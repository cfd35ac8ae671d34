"""Seeded simulators of lookup series and the small samples bundled with tealeaves.

Installed as ``tealeaves.datasets``. Every simulator takes a seed (or a numpy Generator) and
returns the same times for the same arguments on every machine.
"""

from __future__ import annotations

from pathlib import Path

from .simulate import (
    beacon_times,
    cache_expiry_times,
    human_times,
    poisson_times,
    sample_log_rows,
    write_zeek_dns_log,
)

SAMPLES = Path(__file__).resolve().parent / "samples"


def sample_path(name: str = "lookups_sample.log") -> Path:
    """Path of a bundled sample; see datasets/README.md for what each one holds."""
    path = SAMPLES / name
    if not path.is_file():
        available = ", ".join(sorted(p.name for p in SAMPLES.glob("*") if p.is_file()))
        raise ValueError(f"name: no bundled sample {name!r}; available: {available}")
    return path


__all__ = [
    "SAMPLES",
    "beacon_times",
    "cache_expiry_times",
    "human_times",
    "poisson_times",
    "sample_log_rows",
    "sample_path",
    "write_zeek_dns_log",
]
