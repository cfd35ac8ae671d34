from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same property-test examples every time (a failure there is reproducible); local
# runs keep exploring new ones. HYPOTHESIS_PROFILE=ci selects the fixed examples anywhere.
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "explore")
)

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A file from ../shared/data, or a clean skip where a fresh clone does not have it."""
    path = SHARED_DATA / relative
    if not path.is_file():
        pytest.skip(f"shared data {relative} is not present beside this checkout ({path})")
    return path
