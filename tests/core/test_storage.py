"""The storages of uploads, results and figures: the same behaviour from a folder and from
an S3 object store (moto's server, over HTTP); files private, keys confined to the root."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Settings
from core.schemas import FigureManifest, JobResult
from core.storage import (
    LocalStorage,
    S3Storage,
    Storage,
    read_figures,
    read_result,
    storage_for,
    write_figures,
    write_result,
)


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """Each storage as `storage_for` makes it from the settings."""
    data_dir = tmp_path / "data"
    if request.param == "local":
        return storage_for(Settings(data_dir=data_dir))
    return storage_for(Settings(data_dir=data_dir, **request.getfixturevalue("s3_settings")))


@pytest.fixture
def local(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "data")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_put_get_list_delete(storage: Storage) -> None:
    assert storage.list("results") == []
    assert storage.put("results/b.json", b"{}") == "results/b.json"
    storage.put("results/a.json", b"first")
    storage.put("results/a.json", b"second")
    storage.put("resultsx/c.json", b"next door")
    assert storage.get("results/a.json") == b"second"
    assert storage.list("results") == ["results/a.json", "results/b.json"]
    assert storage.delete("results/a.json")
    assert not storage.delete("results/a.json")
    assert storage.list("results") == ["results/b.json"]
    with pytest.raises(FileNotFoundError):
        storage.get("results/a.json")


def test_put_file_moves_a_spooled_file_in(storage: Storage, tmp_path: Path) -> None:
    spooled = tmp_path / "spool.part"
    spooled.write_bytes(b"EDF bytes")
    spooled.chmod(0o644)
    key = storage.put_file("uploads/abc.edf", spooled)
    assert key == "uploads/abc.edf" and not spooled.exists()
    with storage.local(key) as path:
        assert path.name == "abc.edf", "readers choose by the suffix"
        assert path.read_bytes() == b"EDF bytes"
        assert _mode(path) == 0o600
    with (
        pytest.raises(FileNotFoundError, match=r"no stored object uploads/gone\.edf"),
        storage.local("uploads/gone.edf"),
    ):
        pass


def test_keys_are_relative_paths_without_dotdot(storage: Storage, tmp_path: Path) -> None:
    for bad in ("../outside.json", "results/../../outside.json", str(tmp_path / "x.json"), ""):
        with pytest.raises(ValueError):
            storage.put(bad, b"x")
    assert storage.key("uploads/abc.edf") == "uploads/abc.edf"


def test_results_are_content_addressed(storage: Storage) -> None:
    result = JobResult(job_id="j1", recordings=[])
    key = write_result(storage, result)
    assert key.startswith("results/") and key.endswith(".json")
    assert write_result(storage, result) == key
    assert read_result(storage, key) == result
    assert storage.list("results") == [key]


def test_figures_live_in_the_job_folder(storage: Storage) -> None:
    assert read_figures(storage, "j1") is None
    manifest = FigureManifest(bands="seed", rendered=["summary-0-all"], absent={}, seconds=0.1)
    storage.put("plots/j1/summary-0-all.png", b"\x89PNG")
    assert write_figures(storage, "j1", manifest) == "plots/j1/figures.json"
    assert read_figures(storage, "j1") == manifest
    assert storage.list("plots") == ["plots/j1/figures.json", "plots/j1/summary-0-all.png"]


def test_local_files_and_folders_are_private(local: LocalStorage) -> None:
    local.put("results/a.json", b"x")
    (local.root / "results" / ".c.json.1.2.part").write_bytes(b"half")
    assert local.list("results") == ["results/a.json"], "temporary files are left out"
    assert _mode(local.root / "results" / "a.json") == 0o600
    assert _mode(local.root / "results") == 0o700
    with local.local("results/a.json") as path:
        assert path == local.root / "results" / "a.json", "nothing is copied"


def test_a_local_folder_left_empty_goes_but_not_the_top_one(local: LocalStorage) -> None:
    local.put("plots/j1/a.png", b"x")
    local.put("plots/j1/b.png", b"x")
    local.delete("plots/j1/a.png")
    assert (local.root / "plots" / "j1").is_dir()
    local.delete("plots/j1/b.png")
    assert not (local.root / "plots" / "j1").exists() and (local.root / "plots").is_dir()


def test_earlier_absolute_paths_resolve_under_the_local_root(
    local: LocalStorage, tmp_path: Path
) -> None:
    with pytest.raises(ValueError):
        local.path(str(tmp_path / "x.json"))
    legacy = str(local.root / "uploads" / "abc.edf")
    assert local.path(legacy) == local.path("uploads/abc.edf")
    assert local.key(legacy) == local.key("uploads/abc.edf") == "uploads/abc.edf"


def test_s3_objects_sit_under_the_prefix_and_copies_go(
    s3_settings: dict[str, str], tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", **s3_settings)
    storage = storage_for(settings)
    assert isinstance(storage, S3Storage) and storage.prefix == "service"
    storage.put("uploads/abc.edf", b"EDF bytes")
    listed = storage.client.list_objects_v2(Bucket=storage.bucket)["Contents"]
    assert [o["Key"] for o in listed] == ["service/uploads/abc.edf"]
    with storage.local("uploads/abc.edf") as path:
        assert path.is_relative_to(settings.spool_dir)
        assert _mode(path.parent) == 0o700
    assert not path.exists() and list(settings.spool_dir.iterdir()) == []
    assert str(storage) == f"{s3_settings['storage_url']} at {s3_settings['s3_endpoint_url']}"


def test_the_storage_url_is_checked() -> None:
    with pytest.raises(ValueError, match="AFFECTSERVE_STORAGE_URL='gs://b' is not supported"):
        Settings(storage_url="gs://b")
    assert Settings(storage_url="s3://bucket").storage_url == "s3://bucket"
