"""matplotlib views of results (imported lazily: plotting is optional)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def new_axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(8, 3))
    return ax


def plot_series(series: Any, ax: Axes | None = None) -> Axes:
    """Event raster over the window, outages shaded."""
    ax = new_axes(ax)
    times = series.times
    ax.vlines(times, 0, 1, linewidth=0.5)
    good = series.good_intervals
    cursor = 0.0
    for start, stop in good:
        if start > cursor:
            ax.axvspan(cursor, start, color="0.85", label="no observation")
        cursor = max(cursor, stop)
    ax.set_xlim(0, max(series.duration, 1e-9))
    ax.set_yticks([])
    ax.set_xlabel(f"seconds after {series._describe_time(series.origin)}")
    ax.set_title(f"{series.n_events} events")
    return ax


def plot_counts(binned: Any, ax: Axes | None = None) -> Axes:
    ax = new_axes(ax)
    ax.step(binned.bin_starts, binned.counts, where="post", linewidth=0.8)
    unobserved = binned.exposure < 1.0
    if unobserved.any():
        ax.fill_between(
            binned.bin_starts,
            0,
            np.max(binned.counts) * unobserved,
            step="post",
            color="0.85",
            label="partly unobserved",
        )
    ax.set_xlabel("seconds after origin")
    ax.set_ylabel(f"events per {binned.bin_width:g} s")
    return ax


def plot_spectrum(spectrum: Any, ax: Axes | None = None) -> Axes:
    ax = new_axes(ax)
    freq, power = spectrum.frequency[1:], spectrum.power[1:]
    ax.loglog(freq, np.maximum(power, np.finfo(float).tiny), linewidth=0.7)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel(f"power ({spectrum.scaling})")
    return ax


def plot_acf(result: Any, ax: Axes | None = None) -> Axes:
    ax = new_axes(ax)
    ax.vlines(result.lags, 0, result.acf)
    ax.axhline(0, color="0.5", linewidth=0.5)
    if result.confint is not None:
        half = result.confint[:, 1] - result.acf
        ax.fill_between(result.lags, -half, half, color="C0", alpha=0.2, label="Bartlett band")
    ax.set_xlabel("lag (samples)")
    ax.set_ylabel("autocorrelation")
    return ax
