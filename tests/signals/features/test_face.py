"""Face detection, eye alignment, the card's crop geometry and 5-fps frame alignment."""

import math
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from core.cards import load_card  # noqa: E402
from signals.features.face import (  # noqa: E402
    FaceAlignment,
    NoFaceFoundError,
    align_face,
    alignment_from_box,
    alignment_from_eyes,
    crop_face,
    crop_square,
    detect_eyes,
    detect_face,
    eyes_from_box,
    eyes_in_box,
    pick_eyes,
    search_region,
    track_faces,
    video_face_crops,
    video_frames,
)
from tests.worker import multimodal  # noqa: E402


@pytest.fixture(scope="module")
def card_crop() -> dict:
    """The AIMSTF-SSFF card's ``face_crop`` parameters (size 64, 0.45, 0.30, rgb)."""
    recipe = load_card("aimstf_ssff").input("face").recipe
    return next(step.params for step in recipe if step.step == "face_crop")


@pytest.fixture(scope="module")
def margins(card_crop) -> dict:
    return {"above_eyes": card_crop["above_eyes"], "below_lips": card_crop["below_lips"]}


@pytest.fixture(scope="module")
def portrait() -> np.ndarray:
    """Grace Hopper's portrait, shipped with matplotlib's sample data (RGB)."""
    from matplotlib import cbook

    path = Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    if not path.is_file():
        pytest.skip("matplotlib's sample portrait is not installed")
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


def _rotate(image: np.ndarray, degrees_clockwise: float) -> np.ndarray:
    """``image`` turned clockwise on screen about its centre, edges repeated."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -degrees_clockwise, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel().astype(float), b.ravel().astype(float))[0, 1])


def _write_video(path: Path, frames: list[np.ndarray], fps: float) -> Path:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def test_the_card_gives_the_spec_crop(card_crop):
    assert card_crop == {"size": 64, "above_eyes": 0.45, "below_lips": 0.30, "color": "rgb"}


def test_the_portrait_face_is_found_and_cropped(portrait, margins):
    box = detect_face(portrait)
    assert box is not None
    x, y, w, h = box
    # the face sits in the upper middle of the 512 x 600 portrait
    assert 100 < x + w / 2 < 400 and 100 < y + h / 2 < 350
    assert 120 < w < 350
    crop = crop_face(portrait, align_face(portrait, box), **margins)
    assert crop.shape == (64, 64, 3) and crop.dtype == np.uint8
    # the eyes sit 0.45 / 1.75 of the side below the top: in the crop's upper third
    eyes = detect_eyes(cv2.resize(crop, (256, 256)), (0, 0, 256, 256))
    assert eyes is not None
    assert all(256 * 0.45 / 1.75 - 25 < eye[1] < 256 * 0.45 / 1.75 + 25 for eye in eyes)


def test_the_portrait_eyes_are_found_level_in_the_upper_half_of_the_face(portrait):
    x, y, w, h = detect_face(portrait)
    eyes = detect_eyes(portrait, (x, y, w, h))
    assert eyes is not None
    left, right = eyes
    assert x < left[0] < x + w / 2 < right[0] < x + w
    assert all(y < eye[1] < y + h / 2 for eye in eyes)
    assert 0.25 * w < right[0] - left[0] < 0.5 * w
    assert abs(alignment_from_eyes(left, right).angle) < 5.0


@pytest.mark.parametrize("turn", [12.0, -12.0])
def test_a_rotated_portrait_is_levelled_before_the_crop(portrait, margins, turn):
    upright = align_face(portrait, detect_face(portrait))
    turned = _rotate(portrait, turn)
    box = detect_face(turned)
    assert box is not None
    alignment = align_face(turned, box)
    # the right eye drops when the head turns clockwise; Haar eyes are good to ~2°
    assert alignment.angle - upright.angle == pytest.approx(turn, abs=3.0)
    assert alignment.eye_to_lips == pytest.approx(upright.eye_to_lips, rel=0.1)
    reference = crop_face(portrait, upright, **margins)
    levelled = crop_face(turned, alignment, **margins)
    unlevelled = crop_face(
        turned, FaceAlignment(alignment.eye_centre, 0.0, alignment.eye_to_lips), **margins
    )
    assert _correlation(levelled, reference) > 0.8
    assert _correlation(levelled, reference) > _correlation(unlevelled, reference) + 0.05


def test_the_crop_square_follows_the_spec_margins():
    # d = 40: from 100 - 0.45 * 40 = 82 to 140 + 0.30 * 40 = 152, centred on x = 100
    assert crop_square((100.0, 100.0), (100.0, 140.0), 0.45, 0.30) == pytest.approx(
        (65.0, 82.0, 70.0)
    )
    # 0.25 * 40 = 10 px more below the lips: 10 px taller, 5 px further left
    assert crop_square((100.0, 100.0), (100.0, 140.0), 0.45, 0.55) == pytest.approx(
        (60.0, 82.0, 80.0)
    )
    # the lip centre's x does not move the square: it is centred on the eyes
    assert crop_square((100.0, 100.0), (90.0, 140.0), 0.45, 0.30) == pytest.approx(
        (65.0, 82.0, 70.0)
    )
    with pytest.raises(ValueError, match="below the eye centre"):
        crop_square((100.0, 100.0), (100.0, 90.0), 0.45, 0.30)


def test_the_crop_cuts_the_square_and_repeats_the_edge():
    rows, cols = np.mgrid[0:240, 0:240]
    frame = np.stack([rows, cols, np.zeros_like(rows)], axis=-1).astype(np.uint8)
    level = FaceAlignment(eye_centre=(100.0, 100.0), angle=0.0, eye_to_lips=40.0)
    crop = crop_face(frame, level, above_eyes=0.45, below_lips=0.30, size=70)
    np.testing.assert_array_equal(crop[:, 0, 0], np.arange(82, 152))
    np.testing.assert_array_equal(crop[0, :, 1], np.arange(65, 135))
    taller = crop_face(frame, level, above_eyes=0.45, below_lips=0.55, size=80)
    np.testing.assert_array_equal(taller[:, 0, 0], np.arange(82, 162))
    at_edge = FaceAlignment(eye_centre=(10.0, 100.0), angle=0.0, eye_to_lips=40.0)
    crop = crop_face(frame, at_edge, above_eyes=0.45, below_lips=0.30, size=70)
    np.testing.assert_array_equal(crop[0, :, 1], np.maximum(np.arange(-25, 45), 0))


def test_alignments_from_eyes_and_from_the_box():
    level = alignment_from_eyes((80.0, 100.0), (120.0, 100.0))
    assert level.eye_centre == (100.0, 100.0) and level.angle == 0.0
    assert level.eye_to_lips == pytest.approx(1.1 * 40.0)
    assert level.lip_centre == pytest.approx((100.0, 144.0))
    tilted = alignment_from_eyes((0.0, 0.0), (30.0, 30.0))
    assert tilted.angle == pytest.approx(45.0)
    assert tilted.eye_to_lips == pytest.approx(1.1 * 30.0 * math.sqrt(2.0))
    boxed = alignment_from_box((50, 20, 200, 200))
    assert boxed == FaceAlignment(eye_centre=(150.0, 96.0), angle=0.0, eye_to_lips=76.0)


def test_one_eye_is_picked_on_each_side_of_the_face_centre():
    centres = [(40.0, 50.0), (60.0, 52.0), (150.0, 50.0), (140.0, 20.0)]
    assert pick_eyes(centres, [1.0, 2.0, 3.0, 0.5], 100.0) == ((60.0, 52.0), (150.0, 50.0))
    assert pick_eyes(centres[:2], [1.0, 2.0], 100.0) is None
    assert pick_eyes([], [], 100.0) is None


def test_a_blank_image_has_no_face():
    assert detect_face(np.full((240, 320, 3), 128, np.uint8)) is None


def test_frames_are_taken_at_five_per_second_from_the_eeg_start(tmp_path):
    fps = 25.0
    frames = [np.full((48, 64, 3), 4 * k, np.uint8) for k in range(60)]  # frame k has gray 4k
    video = _write_video(tmp_path / "clip.avi", frames, fps)
    n_seconds, taken = video_frames(video, n_seconds=2, offset_s=0.4)
    out = np.stack(list(taken))
    assert n_seconds == 2 and out.shape == (10, 48, 64, 3)
    expected = 4 * np.round((0.4 + np.arange(10) / 5) * fps)
    np.testing.assert_allclose(out.reshape(10, -1).mean(axis=1), expected, atol=3)
    with pytest.raises(ValueError, match="covers 2 s"):
        video_frames(video, n_seconds=3, offset_s=0.4)


def test_video_crops_have_the_model_shape_and_no_face_is_reported(tmp_path, portrait, margins):
    small = cv2.resize(portrait, (256, 300))
    video = _write_video(tmp_path / "face.avi", [small] * 30, 10.0)
    crops = video_face_crops(video, n_seconds=2, **margins)
    assert crops.shape == (2, 5, 3, 64, 64) and crops.dtype == np.float32
    assert crops.min() >= 0.0 and crops.max() <= 1.0 and crops.std() > 0.05
    _, frames = video_frames(video, n_seconds=2)
    first = next(frames)
    expected = crop_face(first, align_face(first, detect_face(first)), **margins)
    np.testing.assert_allclose(crops[0, 0], expected.transpose(2, 0, 1) / 255.0, atol=1e-6)
    with pytest.raises(ValueError, match="not 'bgr'"):
        video_face_crops(video, color="bgr", **margins)
    blank = _write_video(tmp_path / "blank.avi", [np.zeros((120, 160, 3), np.uint8)] * 10, 10.0)
    with pytest.raises(NoFaceFoundError, match="no face was found in any of the 5 frames"):
        video_face_crops(blank, **margins)


def test_frames_without_a_face_are_cropped_where_the_face_was(tmp_path, portrait, margins):
    small = cv2.resize(portrait, (256, 300))
    gray = np.full_like(small, 128)
    video = _write_video(tmp_path / "late.avi", [gray] * 10 + [small] * 10 + [gray] * 10, 10.0)
    crops = video_face_crops(video, n_seconds=3, **margins)
    assert crops.shape == (3, 5, 3, 64, 64)
    np.testing.assert_allclose(crops[[0, 2]], 128 / 255, atol=0.03)
    assert crops[1].std() > 0.05


MOVING_FPS, MOVING_WIDTH, MOVING_SECONDS = 10.0, 320, 8


@pytest.fixture(scope="module")
def moving(tmp_path_factory) -> tuple[list[np.ndarray], np.ndarray]:
    """The kept frames (5 per second) of a 320 × 240 video of the portrait drifting
    (`write_moving_face`, 10 fps, 8 s), and the portrait's top-left corner in each."""
    path = tmp_path_factory.mktemp("moving") / "moving.mp4"
    multimodal.write_moving_face(path, MOVING_SECONDS, MOVING_FPS, MOVING_WIDTH)
    _, frames = video_frames(path)
    face = multimodal.portrait(MOVING_WIDTH // 3).shape[1::-1]
    corners = multimodal.moving_face_path(
        round(MOVING_SECONDS * MOVING_FPS), MOVING_FPS, (MOVING_WIDTH, MOVING_WIDTH * 3 // 4), face
    )
    return list(frames), corners[:: round(MOVING_FPS / 5)]


def _iou(a, b) -> float:
    width = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return width * height / (a[2] * a[3] + b[2] * b[3] - width * height)


def _square(alignment: FaceAlignment) -> tuple[float, float, float, float]:
    left, top, side = crop_square(alignment.eye_centre, alignment.lip_centre, 0.45, 0.30)
    return left, top, side, side


def test_tracked_faces_are_within_tolerance_of_a_search_of_every_frame(moving):
    frames, _ = moving
    tracked = [(box, alignment) for _, box, alignment in track_faces(frames)]
    searched = [detect_face(frame) for frame in frames]
    everywhere = [
        (box, align_face(frame, box)) for frame, box in zip(frames, searched, strict=True)
    ]
    assert all(box is not None for box, _ in tracked + everywhere)
    boxes = [_iou(a[0], b[0]) for a, b in zip(tracked, everywhere, strict=True)]
    squares = [
        _iou(_square(a[1]), _square(b[1])) for a, b in zip(tracked, everywhere, strict=True)
    ]
    angles = [abs(a[1].angle - b[1].angle) for a, b in zip(tracked, everywhere, strict=True)]
    # Haar boxes jitter by a few pixels from frame to frame, whichever way they are found
    # (0.85 and 0.87 at least, 2.1° at most)
    assert min(boxes) > 0.8 and min(squares) > 0.8
    assert max(angles) < 3.0


def test_a_moving_face_is_followed_near_its_last_box(moving):
    frames, corners = moving
    with (
        mock.patch("signals.features.face.detect_face", wraps=detect_face) as faces,
        mock.patch("signals.features.face.detect_eyes", wraps=detect_eyes) as eyes,
    ):
        boxes = np.array([box for _, box, _ in track_faces(frames, eye_every=10)])
    assert len(boxes) == len(frames) == 40
    # the whole frame is searched once, the eyes on frames 0, 10, 20 and 30
    assert [call.kwargs.get("near") for call in faces.call_args_list].count(None) == 1
    assert eyes.call_count == 4
    # the portrait moves over 100 px each way; the box keeps its place on the face (to
    # 2 px, as when every frame is searched)
    assert np.ptp(corners, axis=0).min() > 100
    offsets = boxes[:, :2] - corners
    assert np.abs(offsets - np.median(offsets, axis=0)).max() <= 4
    assert np.all(boxes[:, 2] > 40)


def test_the_search_region_is_the_box_widened_by_half_on_an_8_px_grid_and_clipped():
    # 102 - 20 = 82 -> 80, 52 - 20 = 32, 162 -> 168, 112
    assert search_region((102, 52, 40, 40), (240, 320)) == (80, 32, 88, 80)
    assert search_region((101, 52, 40, 40), (240, 320)) == (80, 32, 88, 80)
    assert search_region((0, 10, 40, 40), (240, 320)) == (0, 0, 64, 72)
    assert search_region((300, 220, 40, 40), (240, 320)) == (280, 200, 40, 40)


def test_eyes_keep_their_place_in_a_moving_box():
    eyes = ((120.0, 80.0), (160.0, 84.0))
    relative = eyes_in_box(eyes, (100, 50, 80, 80))
    np.testing.assert_allclose(relative, ((0.25, 0.375), (0.75, 0.425)))
    # moved 10 px right and grown by half
    moved = eyes_from_box(relative, (110, 50, 120, 120))
    np.testing.assert_allclose(moved, ((140.0, 95.0), (200.0, 101.0)))


def test_without_a_face_the_whole_frame_is_searched_every_fifth_frame(portrait):
    small = cv2.resize(portrait, (256, 300))
    blank = np.full_like(small, 128)
    frames = [blank] * 3 + [small] * 7
    with mock.patch("signals.features.face.detect_face", wraps=detect_face) as faces:
        found = [box is not None for _, box, _ in track_faces(frames, search_every=5)]
    # frames 0 and 5 are searched; the face of frames 3 and 4 is not seen until frame 5
    assert found == [False] * 5 + [True] * 5
    assert [call.kwargs.get("near") for call in faces.call_args_list].count(None) == 2
