"""The API process stays light: it never imports torch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_api_does_not_import_torch(tmp_path: Path) -> None:
    code = "import sys, api.main; print('torch' in sys.modules)"
    env = {**os.environ, "AFFECTSERVE_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
