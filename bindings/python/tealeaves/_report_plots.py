"""Figures of the HTML report (tealeaves.report): matplotlib's object API on the Agg canvas.

No pyplot: each figure is a plain ``Figure`` that is rendered to PNG bytes and dropped, so the
report never touches the caller's backend or leaves figures open. No name from the log is
ever drawn (matplotlib would parse ``$...$`` in it as mathtext); the HTML around the images
carries the names, escaped.
"""

from __future__ import annotations

import base64
import io
import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 80
WIDTH = 10.0  # inches: 800 px at DPI
MAX_POINTS = 3000  # curves are reduced to their envelope over this many buckets
EPOCH_THRESHOLD = 1e8  # origins above this (1973) are epoch seconds: draw dates


def new_figure(height: float, nrows: int = 1, ncols: int = 1, **kwargs: Any) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH, height), dpi=DPI)
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    # Fixed margins (in inches, so every figure height looks alike): a layout engine would
    # measure every tick label and cost more than the drawing itself.
    fig.subplots_adjust(
        left=0.75 / WIDTH,
        right=1 - 0.2 / WIDTH,
        bottom=0.55 / height,
        top=1 - 0.35 / height,
        hspace=1.1 * nrows / height if nrows > 1 else 0.2,
        wspace=0.25,
    )
    return fig, axes


def to_data_uri(fig: Figure) -> str:
    """The figure as a base64 PNG data URI (the figure is cleared afterwards)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    fig.clear()
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def time_axis(epoch: bool) -> Any:
    """Absolute seconds -> x values: UTC datetime64 for epoch series, else the seconds."""
    if epoch:
        return lambda t: (np.asarray(t, dtype=float) * 1e6).astype("datetime64[us]")
    return lambda t: np.asarray(t, dtype=float)


def envelope(x: np.ndarray, y: np.ndarray, n: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most 2 n points keeping each bucket's minimum and maximum (peaks stay visible)."""
    if len(x) <= 2 * n:
        return x, y
    edges = np.linspace(0, len(x), n + 1).astype(np.int64)
    lo = np.minimum.reduceat(y, edges[:-1])
    hi = np.maximum.reduceat(y, edges[:-1])
    xs = np.repeat(x[edges[:-1]], 2)
    ys = np.column_stack([lo, hi]).ravel()
    return xs, ys


def count_bin_width(duration: float) -> tuple[float, str]:
    """Daily counts for spans of three days or more, hourly down to six hours, else minutes."""
    if duration >= 3 * 86400:
        return 86400.0, "day"
    if duration >= 6 * 3600:
        return 3600.0, "hour"
    return 60.0, "minute"


def timeline_figure(ctx: dict[str, Any]) -> str:
    """Raster (outages shaded) over counts per bin with the Bayesian-block rate as steps;
    change points dashed, outside events as numbered lines on both panels."""
    series = ctx["series"]
    x = time_axis(ctx["epoch"])
    fig, axes = new_figure(4.2, 2, 1, sharex=True, height_ratios=[1, 2.2])
    raster, counts = axes[0, 0], axes[1, 0]
    times = series.absolute_times
    raster.vlines(x(times), 0, 1, linewidth=0.5, color="k")
    raster.set_yticks([])
    raster.set_ylim(0, 1)
    raster.set_title(f"{series.n_events} lookups (raster); shaded: significant silences")
    width, unit = count_bin_width(series.duration)
    lo = math.floor(series.start / width) * width
    hi = max(math.ceil(series.end / width) * width, lo + width)
    edges = np.arange(lo, hi + 0.5 * width, width)
    hist, _ = np.histogram(times, bins=edges, weights=series.multiplicity)
    counts.bar(x(edges[:-1]), hist, width=_bar_width(edges, x), align="edge", color="C0", alpha=0.5)
    counts.set_ylabel(f"lookups per {unit}")
    counts.set_ylim(0, 1.25 * max(float(np.max(hist, initial=0)), 1.0))
    blocks = ctx["blocks"]
    if blocks is not None and blocks.n_blocks:
        level = np.r_[blocks.rates, blocks.rates[-1]] * width
        counts.step(
            x(blocks.edges), level, where="post", color="C1", lw=1.5, label="Bayesian blocks"
        )
    for t in () if ctx["changes"] is None else ctx["changes"].change_points:
        for ax in (raster, counts):
            ax.axvline(x(t), color="C3", ls="--", lw=1)
    counts.plot([], [], color="C3", ls="--", label="change point")
    outages = ctx["outages"]
    if outages is not None:
        sig = outages.table["significant"]
        for a, b in zip(outages.table["start"][sig], outages.table["end"][sig]):
            raster.axvspan(x(a), x(b), color="C3", alpha=0.25, lw=0)
    marks = ctx["events"]
    for i, t in enumerate(marks):
        for ax in (raster, counts):
            ax.axvline(x(t), color="C2", lw=1.2)
        counts.annotate(
            f"E{i + 1}",
            (x(t), 1.0),
            xycoords=("data", "axes fraction"),
            color="C2",
            fontsize=8,
            ha="left",
            va="top",
        )
    if len(marks):
        counts.plot([], [], color="C2", lw=1.2, label="outside event")
    counts.set_xlim(x(series.start), x(series.end))
    counts.set_xlabel("time (UTC)" if ctx["epoch"] else "time (s)")
    counts.legend(fontsize="small", loc="upper right")
    return to_data_uri(fig)


def _bar_width(edges: np.ndarray, x: Any) -> Any:
    xs = x(edges)
    return np.diff(xs)


def spectra_figure(ctx: dict[str, Any]) -> str:
    """Leahy periodogram of the binned counts and Z^2 of the event times against period,
    with the p_global significance levels of each and the detected periods marked."""
    panels = [p for p in (ctx["leahy"], ctx["z2"]) if p is not None]
    fig, axes = new_figure(2.6 * len(panels), len(panels), 1)
    lo = min(1.0 / float(p["frequency"][-1]) for p in panels)
    hi = max(1.0 / float(p["frequency"][p["frequency"] > 0][0]) for p in panels)
    for ax, panel in zip(axes[:, 0], panels):
        _spectrum_panel(ax, panel)
        for period in ctx["periods"]:
            ax.axvline(period, color="C3", ls=":", lw=1)
        ax.set_xlim(lo / 1.1, hi * 1.1)  # one period axis for both panels
    return to_data_uri(fig)


def _spectrum_panel(ax: Axes, panel: dict[str, Any]) -> None:
    freq, power = panel["frequency"], panel["power"]
    keep = freq > 0
    period = 1.0 / freq[keep][::-1]
    px, py = envelope(period, power[keep][::-1])
    ax.plot(px, np.maximum(py, 1e-2), lw=0.6, color="C0")
    ax.set_xscale("log")
    ax.set_yscale("log")  # the significance levels sit far above the noise: keep both readable
    top = max([float(np.max(py)), *panel["thresholds"].values()]) * 2.0  # levels in view
    ax.set_ylim(max(float(np.median(py)) / 10.0, 1e-2), top)
    for (alpha, level), style in zip(panel["thresholds"].items(), ("--", "-.", ":")):
        ax.axhline(level, color="C1", ls=style, lw=1, label=f"p_global = {alpha:g}")
    ax.set_xlabel("period (s)")
    ax.set_ylabel(panel["ylabel"])
    ax.set_title(panel["title"], fontsize="medium")
    if panel["thresholds"]:
        ax.legend(fontsize="small", loc="upper left")


def acf_gaps_figure(ctx: dict[str, Any]) -> str:
    """ACF of the binned counts (lags in seconds, Bartlett band) beside the inter-arrival
    histogram (log bins, density) with every usable fitted model's density."""
    fig, axes = new_figure(3.0, 1, 2)
    left, right = axes[0, 0], axes[0, 1]
    acf = ctx["acf"]
    if acf is not None:
        lags = acf.lags * ctx["acf_bin"]
        left.vlines(lags, 0, acf.acf, lw=0.8)
        left.axhline(0, color="0.5", lw=0.5)
        if acf.confint is not None:
            half = acf.confint[:, 1] - acf.acf
            left.fill_between(lags, -half, half, color="C0", alpha=0.2, label="95% Bartlett band")
            left.legend(fontsize="small")
        left.set_xlabel(f"lag (s; bins of {ctx['acf_bin']:g} s)")
        left.set_ylabel("autocorrelation")
    else:
        left.text(0.5, 0.5, "too few bins for an ACF", ha="center", transform=left.transAxes)
    left.set_title("ACF of the counts", fontsize="medium")
    _gaps_panel(right, ctx["gaps"])
    return to_data_uri(fig)


def _gaps_panel(ax: Axes, result: Any) -> None:
    ax.set_title("inter-arrival times", fontsize="medium")
    if result is None or len(result.positive) < 2:
        ax.text(0.5, 0.5, "too few gaps", ha="center", transform=ax.transAxes)
        return
    gaps = result.positive
    lo, hi = float(gaps[0]), float(gaps[-1])
    if hi <= lo:
        hi = lo * 1.01 + 1e-9
    edges = np.geomspace(lo, hi, max(8, min(60, int(np.sqrt(len(gaps))) * 2)) + 1)
    heights, _, _ = ax.hist(gaps, bins=edges, density=True, color="0.7", label="gaps")
    grid = np.geomspace(lo, hi, 300)
    for i, (name, fit) in enumerate(result.fits.items()):
        if not fit.usable:
            continue
        with np.errstate(all="ignore"):
            density = fit.pdf(grid)
        style = "-" if name == result.best_model else ":"
        ax.plot(grid, density, style, lw=1.4, color=f"C{i % 10}", label=name)
    if hi / lo > 10:
        ax.set_xscale("log")
    ax.set_yscale("log")
    shown = heights[heights > 0]
    ax.set_ylim(float(shown.min()) / 5.0, float(shown.max()) * 5.0)  # models fall off further
    ax.set_xlabel("gap (s)")
    ax.set_ylabel("density (1/s)")
    ax.legend(fontsize="x-small", ncols=2, loc="lower center", framealpha=0.6)


def rhythm_figure(profiles: list[Any]) -> str:
    """Time-of-day rate (sessions per hour of exposure) in each zone, one panel per zone."""
    ncols = min(len(profiles), 3)
    nrows = math.ceil(len(profiles) / ncols)
    fig, axes = new_figure(2.4 * nrows, nrows, ncols)
    for ax in axes.ravel()[len(profiles) :]:
        ax.set_visible(False)
    for k, (ax, r) in enumerate(zip(axes.ravel(), profiles)):
        ax.bar(r.bin_hours, r.daily_rate, width=24.0 / r.bins, align="edge", color=f"C{k}")
        ax.set_xlim(0, 24)
        ax.set_xticks(range(0, 25, 6))
        ax.set_xlabel(f"local hour, {r.zone}".replace("$", ""))  # no mathtext
        ax.set_ylabel("sessions / hour")
    return to_data_uri(fig)


def coincidence_figure(result: Any) -> str:
    fig, axes = new_figure(2.8)
    result.plot(ax=axes[0, 0])
    axes[0, 0].set_title("")
    return to_data_uri(fig)
