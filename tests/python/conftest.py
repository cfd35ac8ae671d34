from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A file from ../shared/data, or a clean skip where a fresh clone does not have it."""
    path = SHARED_DATA / relative
    if not path.is_file():
        pytest.skip(f"shared data {relative} is not present beside this checkout ({path})")
    return path
