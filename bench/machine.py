"""What the benchmark ran on: CPU, cores, library versions, allocator-relevant settings."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def thp_mode() -> str:
    text = _read("/sys/kernel/mm/transparent_hugepage/enabled").strip()
    start, end = text.find("["), text.find("]")
    return text[start + 1 : end] if start >= 0 < end else (text or "unknown")


def _version(module: str) -> str:
    try:
        mod = __import__(module)
    except ImportError:
        return "not installed"
    return str(getattr(mod, "__version__", "?"))


def numpy_fft_backend() -> str:
    import numpy as np

    names = set(dir(np.fft))
    if "_pocketfft_umath" in names or "_pocketfft" in names:
        return "numpy's bundled pocketfft"
    return "unknown (not numpy's pocketfft)"


def numpy_madvise_hugepage() -> str:
    """numpy madvises its large data buffers to huge pages (on by default on Linux >= 4.6)."""
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy < 2
        from numpy.core import multiarray  # type: ignore[no-redef]
    getter = getattr(multiarray, "_get_madvise_hugepage", None)
    return "unknown" if getter is None else ("on" if getter() else "off")


def glibc_version() -> str:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") or "unknown"
    except (ValueError, OSError):
        return "unknown"


def loadavg() -> str:
    return _read("/proc/loadavg").split(" ")[0] if _read("/proc/loadavg") else "?"


def compiler() -> str:
    try:
        out = subprocess.run(["g++", "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "g++ not found"
    return out.stdout.splitlines()[0]


def tealeaves_build(root: Path) -> str:
    """Whether the installed compiled module is newer than the engine sources it came from."""
    try:
        from tealeaves import _core
    except ImportError:
        return "not importable"
    built = Path(_core.__file__).stat().st_mtime
    spectral = [
        root / "engine" / "src" / "spectral",
        root / "engine" / "include" / "tealeaves" / "spectral",
    ]
    newest = max(p.stat().st_mtime for d in spectral for p in d.rglob("*.[ch]pp"))
    if newest > built:
        return "STALE: engine headers/spectral sources changed after the installed build"
    return "installed build is newer than the engine's spectral sources"


def describe(fftw_version: str, root: Path) -> dict[str, str]:
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    info = {
        "cpu": cpu_model(),
        "cores": f"{os.cpu_count()} logical, {affinity} usable",
        "kernel": platform.release(),
        "glibc": glibc_version(),
        "transparent hugepages": thp_mode(),
        "python": sys.version.split()[0],
        "numpy": _version("numpy"),
        "numpy FFT": numpy_fft_backend(),
        "numpy madvise hugepage": numpy_madvise_hugepage(),
        "scipy": _version("scipy") + " (scipy.fft: its own pocketfft)",
        "statsmodels": _version("statsmodels"),
        "tealeaves": _version("tealeaves") + "; " + tealeaves_build(root),
        "FFTW": fftw_version,
        "raw FFTW compiler": compiler() + ", -O3",
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(not set)"),
        "GLIBC_TUNABLES (default mode)": os.environ.get("GLIBC_TUNABLES", "(not set)"),
    }
    return info
