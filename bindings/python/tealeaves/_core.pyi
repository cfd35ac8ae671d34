# Type stubs for the compiled engine module (bindings/src). Use the tealeaves package API.
from typing import Any

import numpy as np
import numpy.typing as npt

class _CoreModule:
    class EventSeries:
        def __init__(
            self,
            times: npt.ArrayLike,
            *,
            sort: bool = ...,
            start: float | None = ...,
            end: float | None = ...,
            gaps: npt.ArrayLike = ...,
            duplicates: str = ...,
            duplicate_tolerance: float = ...,
            drop_outside: bool = ...,
            time_origin: float = ...,
        ) -> None: ...
        def __len__(self) -> int: ...
        times: np.ndarray
        multiplicity: np.ndarray
        origin: float
        start: float
        end: float
        duration: float
        exposure: float
        total_count: int
        good_intervals: np.ndarray
        repairs: dict[str, int]

class _SpectralModule:
    def bin_events(self, series: Any, bin_width: float) -> dict[str, Any]: ...
    def periodogram(self, x: npt.ArrayLike, **options: Any) -> dict[str, Any]: ...
    def periodogram_into(
        self, x: npt.ArrayLike, out: np.ndarray, **options: Any
    ) -> dict[str, Any]: ...
    def welch(self, x: npt.ArrayLike, **options: Any) -> dict[str, Any]: ...
    def acf(self, x: npt.ArrayLike, **options: Any) -> dict[str, Any]: ...
    def ljung_box(self, acf: npt.ArrayLike, n: int, *, model_df: int = ...) -> dict[str, Any]: ...
    def next_fast_size(self, n: int) -> int: ...
    def prepare_plans(self, sizes: list[int], *, effort: str = ...) -> None: ...
    def plan_cache_stats(self) -> dict[str, int]: ...
    def clear_plan_cache(self) -> None: ...
    def wisdom_path(self) -> str: ...

class _IngestModule:
    def __getattr__(self, name: str) -> Any: ...

core: _CoreModule
spectral: _SpectralModule
ingest: _IngestModule
