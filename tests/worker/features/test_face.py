"""Face detection, cropping and 5-fps frame alignment on a known face image."""

from pathlib import Path

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from worker.features.face import (  # noqa: E402
    NoFaceFoundError,
    crop_face,
    detect_face,
    face_crops,
    read_frames,
    video_face_crops,
)


@pytest.fixture(scope="module")
def portrait() -> np.ndarray:
    """Grace Hopper's portrait, shipped with matplotlib's sample data (RGB)."""
    from matplotlib import cbook

    path = Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    if not path.is_file():
        pytest.skip("matplotlib's sample portrait is not installed")
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


def _write_video(path: Path, frames: list[np.ndarray], fps: float) -> Path:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def test_the_portrait_face_is_found_and_cropped(portrait):
    box = detect_face(portrait)
    assert box is not None
    x, y, w, h = box
    # the face sits in the upper middle of the 512 x 600 portrait
    assert 100 < x + w / 2 < 400 and 100 < y + h / 2 < 350
    assert 120 < w < 350
    crop = crop_face(portrait, box)
    assert crop.shape == (64, 64, 3) and crop.dtype == np.uint8
    assert detect_face(cv2.resize(crop, (256, 256))) is not None


def test_a_blank_image_has_no_face():
    assert detect_face(np.full((240, 320, 3), 128, np.uint8)) is None


def test_frames_are_taken_at_five_per_second_from_the_eeg_start(tmp_path):
    fps = 25.0
    frames = [np.full((48, 64, 3), 4 * k, np.uint8) for k in range(60)]  # frame k has gray 4k
    video = _write_video(tmp_path / "clip.avi", frames, fps)
    out = read_frames(video, n_seconds=2, offset_s=0.4)
    assert out.shape == (2, 5, 48, 64, 3)
    expected = 4 * np.round((0.4 + np.arange(10) / 5) * fps)
    np.testing.assert_allclose(out.reshape(10, -1).mean(axis=1), expected, atol=3)
    with pytest.raises(ValueError, match="covers 2 s"):
        read_frames(video, n_seconds=3, offset_s=0.4)


def test_video_crops_have_the_model_shape_and_no_face_is_reported(tmp_path, portrait):
    small = cv2.resize(portrait, (256, 300))
    video = _write_video(tmp_path / "face.avi", [small] * 30, 10.0)
    crops = face_crops(read_frames(video, n_seconds=2))
    assert crops.shape == (2, 5, 3, 64, 64) and crops.dtype == np.float32
    np.testing.assert_array_equal(video_face_crops(video, n_seconds=2), crops)
    assert crops.min() >= 0.0 and crops.max() <= 1.0 and crops.std() > 0.05
    blank = _write_video(tmp_path / "blank.avi", [np.zeros((120, 160, 3), np.uint8)] * 10, 10.0)
    with pytest.raises(NoFaceFoundError, match="no face was found in any of the 5 frames"):
        face_crops(read_frames(blank))
    with pytest.raises(NoFaceFoundError):
        video_face_crops(blank)
