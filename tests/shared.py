"""The real reference files in ../shared/data: tests use them where present, skip where not."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GLOTIP_CSV = "glotip/data_glotip_UNODC_release_2023-05-30.csv"
HTCDS_CSV = "htcds/htcds_field_standards_2.0.csv"
M49_CSV = "m49/UNSD_M49_methodology.csv"


def shared_file(relative: str) -> Path:
    """The file ``relative`` to ../shared/data, or skip the calling test saying why."""
    path = SHARED_DATA / relative
    if not path.is_file():
        pytest.skip(f"real reference data not available: {path} is absent (see ../shared/data)")
    return path
