"""Generalised Lomb-Scargle periodogram of unevenly sampled values, as astropy defines it.

The floating-mean periodogram of Zechmeister & Kuerster (2009) with astropy's normalisations
(``standard``, ``model``, ``log``, ``psd``) and analytic false-alarm probabilities (``single``,
``naive``, ``davies``, ``baluev``), computed in the C++ engine: exactly in O(N F) with phasor
recurrences, or by a non-uniform FFT to a stated tolerance.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._timeconv import NS_PER_S, is_datetime_like, to_utc_ns
from ._validation import as_float_array, check_choice, check_count, check_positive
from .results import BinnedCounts

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

NORMALIZATIONS = ("standard", "model", "log", "psd")
METHODS = ("exact", "fast")
FAP_METHODS = ("single", "naive", "davies", "baluev")

_NULLS = {
    "single": "Gaussian white noise about a constant; one frequency chosen in advance",
    "naive": "Gaussian white noise about a constant; maximum over N_eff = fmax T independent "
    "frequencies",
    "davies": "Gaussian white noise about a constant; maximum over the band up to fmax "
    "(Davies upper bound, may exceed 1)",
    "baluev": "Gaussian white noise about a constant; maximum over the band up to fmax "
    "(Baluev 2008 alias-free approximation)",
}

_spectral = _core.spectral


@dataclass(frozen=True, eq=False)
class LombScargleResult:
    """Lomb-Scargle power at each frequency, with what its false-alarm probabilities need.

    Frequencies are in cycles per unit of ``t`` (Hz for seconds, datetimes, EventSeries bins).
    """

    power: np.ndarray
    normalization: str
    method: str
    n: int  # data points
    fit_mean: bool
    center_data: bool
    fmax: float  # highest frequency searched (the band the global FAPs account for)
    baseline: float  # max t - min t
    t_variance: float  # variance of t with weights dy^-2 (Baluev's effective time span)
    y_mean: float
    y_variance: float
    minimum_frequency: float
    frequency_step: float
    sum_error_bound: float  # fast method: bound on each trig sum relative to sum |w y|; else 0
    frequency_values: np.ndarray | None = None  # the caller's frequencies, when given

    @cached_property
    def frequency(self) -> np.ndarray:
        """Frequencies of the powers (minimum + k step for automatic grids, as astropy)."""
        if self.frequency_values is not None:
            return self.frequency_values
        return self.minimum_frequency + self.frequency_step * np.arange(len(self.power))

    @property
    def period(self) -> np.ndarray:
        return 1.0 / self.frequency

    # -- significance ------------------------------------------------------------------------
    def log_false_alarm_probability(self, power: Any = None, method: str = "baluev") -> Any:
        """Natural log of the false-alarm probability; finite far below 1e-308.

        Null hypothesis for every method: the values are a constant plus independent Gaussian
        noise with the given ``dy`` (white noise). ``single`` is the chance that one frequency
        fixed in advance reaches ``power``; ``naive``, ``davies`` and ``baluev`` are the chance
        that the maximum over the searched band (0, fmax] does, counting fmax T independent
        frequencies, by Davies' upper bound, and by Baluev's (2008) alias-free approximation
        (astropy's default). The default ``power`` is the highest one in this periodogram.
        ``fmax`` is the highest frequency of this periodogram (astropy takes it from its
        autofrequency grid: the same unless you passed your own frequencies).
        """
        check_choice(method, "method", FAP_METHODS)
        scalar, values = self._powers(power)
        out = _spectral.ls_log_false_alarm(values, *self._fap_model(), method)
        return float(out[0]) if scalar else out

    def false_alarm_probability(self, power: Any = None, method: str = "baluev") -> Any:
        """False-alarm probability, as astropy's ``LombScargle.false_alarm_probability``.

        See :meth:`log_false_alarm_probability` for the null hypotheses; this is its exp (which
        underflows to 0 where the log does not).
        """
        return np.exp(self.log_false_alarm_probability(power, method))

    def false_alarm_level(self, probability: Any, method: str = "baluev") -> Any:
        """Power whose false-alarm probability is ``probability`` (astropy's false_alarm_level)."""
        check_choice(method, "method", FAP_METHODS)
        scalar = np.ndim(probability) == 0
        values = as_float_array(np.atleast_1d(probability), "probability")
        out = _spectral.ls_false_alarm_level(values, *self._fap_model(), method)
        return float(out[0]) if scalar else out

    def _fap_model(self) -> tuple[Any, ...]:
        """What the false-alarm formulas need: n, fmax, baseline, Var(t), normalisation,
        and whether the data were centred."""
        centred = self.fit_mean or self.center_data
        return (self.n, self.fmax, self.baseline, self.t_variance, self.normalization, centred)

    def _powers(self, power: Any) -> tuple[bool, np.ndarray]:
        if power is None:
            if not np.any(np.isfinite(self.power)):
                raise ValueError("power: the periodogram has no finite power")
            return True, np.array([np.nanmax(self.power)])
        return np.ndim(power) == 0, as_float_array(np.atleast_1d(power), "power")

    # -- views ---------------------------------------------------------------------------------
    def peaks(self, n: int = 5, *, method: str = "baluev") -> pd.DataFrame:
        """The n strongest local maxima, strongest first, with false-alarm probabilities.

        ``fap`` (and ``log10_fap``) is the chance, under Gaussian white noise, that the maximum
        over the whole searched band reaches the peak's power (``method``); ``p_single`` is the
        chance for one frequency chosen in advance.
        """
        import pandas as pd

        n = check_count(n, "n")
        power = self.power
        left = np.concatenate([[-np.inf], power[:-1]])
        right = np.concatenate([power[1:], [-np.inf]])
        maxima = np.flatnonzero((power >= left) & (power > right) & np.isfinite(power))
        top = maxima[np.argsort(power[maxima], kind="stable")[::-1][:n]]
        log_fap = self.log_false_alarm_probability(power[top], method) if len(top) else top * 0.0
        log_single = self.log_false_alarm_probability(power[top], "single") if len(top) else 0.0
        frame = pd.DataFrame(
            {
                "frequency": self.frequency[top],
                "period": 1.0 / self.frequency[top],
                "power": power[top],
                "fap": np.exp(log_fap),
                "log10_fap": np.asarray(log_fap) / np.log(10.0),
                "p_single": np.exp(log_single),
            }
        )
        frame.attrs["null"] = _NULLS[method]
        frame.attrs["fap_method"] = method
        return frame

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame({"frequency": self.frequency, "power": self.power})

    def plot(self, ax: Axes | None = None, *, fap_levels: tuple[float, ...] = (0.01,)) -> Axes:
        """Power against frequency, with dashed lines at the given false-alarm levels."""
        from .plotting import new_axes

        ax = new_axes(ax)
        ax.plot(self.frequency, self.power, linewidth=0.8)
        if fap_levels and (self.fit_mean or self.center_data) and self.n > 3:
            for level, p in zip(self.false_alarm_level(np.asarray(fap_levels)), fap_levels):
                ax.axhline(level, linestyle="--", color="0.4", linewidth=0.8)
                ax.annotate(f"FAP {p:g}", (self.frequency[-1], level), ha="right", va="bottom")
        ax.set_xlabel("frequency")
        ax.set_ylabel(f"Lomb-Scargle power ({self.normalization})")
        return ax

    def _repr_html_(self) -> str:
        best = int(np.nanargmax(self.power)) if np.any(np.isfinite(self.power)) else None
        rows: dict[str, Any] = {
            "points": self.n,
            "frequencies": len(self.power),
            "normalization": self.normalization,
            "method": self.method,
        }
        if best is not None:
            rows["best period"] = f"{1.0 / self.frequency[best]:.6g}"
            rows["best power"] = f"{self.power[best]:.6g}"
            if (self.fit_mean or self.center_data) and self.n > 3:
                rows["log10 FAP (baluev)"] = (
                    f"{self.log_false_alarm_probability() / np.log(10):.4g}"
                )
        cells = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td>{html.escape(str(v))}</td></tr>"
            for k, v in rows.items()
        )
        return f"<b>LombScargleResult</b><table>{cells}</table>"


def _times(t: Any) -> np.ndarray:
    if is_datetime_like(t):
        ns = to_utc_ns(t, "t")
        return (ns - ns.min()).astype(np.float64) / NS_PER_S
    return as_float_array(t, "t")


def _from_bins(counts: BinnedCounts, y: Any, dy: Any) -> tuple[np.ndarray, np.ndarray, Any]:
    if y is not None:
        raise ValueError("y: not used when t is BinnedCounts (the rates are counts / exposure)")
    observed = counts.exposure > 0
    t = (np.flatnonzero(observed) + 0.5) * counts.bin_width
    rate = counts.counts[observed] / counts.exposure[observed]
    if dy is not None:
        dy = as_float_array(dy, "dy")
        if len(dy) != len(counts.counts):
            raise ValueError(f"dy: has {len(dy)} values but there are {len(counts.counts)} bins")
        dy = dy[observed]
    return t, rate, dy


def lomb_scargle(
    t: Any,
    y: Any = None,
    dy: Any = None,
    *,
    frequency: Any = None,
    minimum_frequency: float | None = None,
    maximum_frequency: float | None = None,
    samples_per_peak: float = 5,
    nyquist_factor: float = 5,
    normalization: str = "standard",
    fit_mean: bool = True,
    center_data: bool = True,
    method: str = "exact",
    tolerance: float = 1e-12,
    threads: int = 0,
) -> LombScargleResult:
    """Generalised (floating-mean) Lomb-Scargle periodogram, equal to astropy's LombScargle.

    Parameters
    ----------
    t : 1-D real or date-time array (any order), or BinnedCounts
        Sample times. Date-times become seconds after the earliest. For BinnedCounts the
        centres of the bins with exposure > 0 are the times and counts / exposure the values,
        so gaps in the observation are skipped rather than read as zeros.
    y : 1-D real array of values (omit for BinnedCounts)
    dy : 1-D positive array of uncertainties, optional (weights dy^-2)
    frequency : 1-D positive array, optional
        Frequencies to evaluate; otherwise astropy's autofrequency grid: step
        1 / (samples_per_peak T), from ``minimum_frequency`` (default step / 2) to
        ``maximum_frequency`` (default nyquist_factor N / (2 T)).
    normalization : "standard" (fraction of variance explained), "model", "log" or "psd"
    fit_mean, center_data : as astropy (fit a floating mean; subtract the weighted mean)
    method : "exact" (O(N F), phasor recurrences; any frequencies) or "fast" (non-uniform FFT,
        O(N + F log F); needs a uniform grid). Fast: each weighted trigonometric sum is within
        ``tolerance`` (in [1e-12, 0.1]) x sum |w y| of the exact one, so powers typically agree
        with the exact ones to ~10 x tolerance of the highest peak.
    threads : at most this many threads; 0 for automatic (all cores once the problem is large
        enough to gain). Results are bit-identical for any number of threads.

    Returns
    -------
    LombScargleResult with ``frequency``, ``power``, ``false_alarm_probability()``,
    ``false_alarm_level()``, ``peaks()``, ``to_pandas()`` and ``plot()``.
    """
    if isinstance(t, BinnedCounts):
        times, values, dy = _from_bins(t, y, dy)
    else:
        if y is None:
            raise ValueError("y: values are required unless t is BinnedCounts")
        times, values = _times(t), as_float_array(y, "y")
    errors = None if dy is None else as_float_array(dy, "dy")
    check_choice(normalization, "normalization", NORMALIZATIONS)
    check_choice(method, "method", METHODS)
    grid: dict[str, Any] = {
        "samples_per_peak": check_positive(samples_per_peak, "samples_per_peak"),
        "nyquist_factor": check_positive(nyquist_factor, "nyquist_factor"),
        "minimum_frequency": None
        if minimum_frequency is None
        else check_positive(minimum_frequency, "minimum_frequency"),
        "maximum_frequency": None
        if maximum_frequency is None
        else check_positive(maximum_frequency, "maximum_frequency"),
    }
    freq = None if frequency is None else as_float_array(frequency, "frequency")
    raw = _spectral.lomb_scargle(
        times,
        values,
        errors,
        frequency=freq,
        normalization=normalization,
        fit_mean=bool(fit_mean),
        center_data=bool(center_data),
        method=method,
        tolerance=check_positive(tolerance, "tolerance"),
        threads=check_count(threads, "threads"),
        **grid,
    )
    return LombScargleResult(
        power=raw["power"],
        normalization=normalization,
        method=method,
        n=raw["n"],
        fit_mean=bool(fit_mean),
        center_data=bool(center_data),
        fmax=raw["fmax"],
        baseline=raw["baseline"],
        t_variance=raw["t_variance"],
        y_mean=raw["y_mean"],
        y_variance=raw["y_variance"],
        minimum_frequency=raw["minimum_frequency"],
        frequency_step=raw["frequency_step"],
        sum_error_bound=raw["sum_error_bound"],
        frequency_values=raw["frequency"],
    )
