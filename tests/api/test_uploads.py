"""The upload spool: what a crash left there goes at start, uploads in flight stay."""

from __future__ import annotations

import os
import time
from pathlib import Path

from api.uploads import clean_spool
from core.config import get_settings


def test_spool_left_by_a_crash_is_cleaned_at_start(settings_env: Path) -> None:
    from api.main import create_app

    settings = get_settings()
    settings.ensure_dirs()
    left = settings.spool_dir / "0a1b.edf"
    left.write_bytes(b"0       Ada Lovelace")
    hour_ago = time.time() - 3600
    os.utime(left, (hour_ago, hour_ago))
    in_flight = settings.spool_dir / "0a1c.part"
    in_flight.write_bytes(b"0       ")
    create_app()
    assert not left.exists()
    assert in_flight.exists()
    assert clean_spool(settings) == []
