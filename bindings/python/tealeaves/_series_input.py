"""Analyses accept an EventSeries or plain times; plain times become a (sorted) EventSeries."""

from __future__ import annotations

from typing import Any

from .series import EventSeries


def as_series(times_or_series: Any) -> EventSeries:
    if isinstance(times_or_series, EventSeries):
        return times_or_series
    # Sorting is a counted repair (see .repairs), as astropy and scipy accept unsorted times.
    return EventSeries(times_or_series, sort=True)
