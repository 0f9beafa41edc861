"""The local storage of uploads and results: real files, private, confined to the root."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.schemas import JobResult
from core.storage import LocalStorage, read_result, write_result


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "data")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_put_get_list_delete(storage: LocalStorage) -> None:
    assert storage.list("results") == []
    assert storage.put("results/b.json", b"{}") == "results/b.json"
    storage.put("results/a.json", b"first")
    storage.put("results/a.json", b"second")
    (storage.root / "results" / ".c.json.1.2.part").write_bytes(b"half")
    assert storage.get("results/a.json") == b"second"
    assert storage.list("results") == ["results/a.json", "results/b.json"]
    assert _mode(storage.root / "results" / "a.json") == 0o600
    assert _mode(storage.root / "results") == 0o700
    assert storage.delete("results/a.json")
    assert not storage.delete("results/a.json")
    assert storage.list("results") == ["results/b.json"]
    with pytest.raises(FileNotFoundError):
        storage.get("results/a.json")


def test_put_file_moves_a_spooled_file_in_privately(storage: LocalStorage, tmp_path: Path) -> None:
    spooled = tmp_path / "spool.part"
    spooled.write_bytes(b"EDF bytes")
    spooled.chmod(0o644)
    key = storage.put_file("uploads/abc.edf", spooled)
    assert not spooled.exists()
    with storage.local(key) as path:
        assert path == storage.root / "uploads" / "abc.edf"
        assert path.read_bytes() == b"EDF bytes"
        assert _mode(path) == 0o600
    with (
        pytest.raises(FileNotFoundError, match=r"no stored object uploads/gone\.edf"),
        storage.local("uploads/gone.edf"),
    ):
        pass


def test_keys_stay_under_the_root(storage: LocalStorage, tmp_path: Path) -> None:
    for bad in ("../outside.json", "results/../../outside.json", str(tmp_path / "x.json"), ""):
        with pytest.raises(ValueError):
            storage.path(bad)
    # an earlier build stored absolute paths: those under the root still resolve
    legacy = str(storage.root / "uploads" / "abc.edf")
    assert storage.path(legacy) == storage.path("uploads/abc.edf")
    assert storage.key(legacy) == storage.key("uploads/abc.edf") == "uploads/abc.edf"


def test_results_are_content_addressed(storage: LocalStorage) -> None:
    result = JobResult(job_id="j1", recordings=[])
    key = write_result(storage, result)
    assert key.startswith("results/") and key.endswith(".json")
    assert write_result(storage, result) == key
    assert read_result(storage, key) == result
    assert storage.list("results") == [key]
