"""Face video: frames at a fixed rate aligned to EEG seconds, face detection and crop.

Faces are found with OpenCV's bundled frontal-face Haar cascade
(``opencv-python-headless``). Crops are square around the detected box, resized to
``size × size`` RGB and scaled to [0, 1], as the DeepVANet/AIMSTF-SSFF face branch
takes them (spec §1.1: 5 frames per 1-s segment, ``(5, 3, 64, 64)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import cv2

Box = tuple[int, int, int, int]

#: Frames are downscaled to at most this width for detection (speed).
_DETECT_WIDTH = 320


class NoFaceFoundError(ValueError):
    """No face was detected in the video; the message says what to upload instead."""


@cache
def _cascade() -> cv2.CascadeClassifier:
    import cv2

    path = Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise RuntimeError(f"OpenCV's face detector could not be loaded from {path}")
    return cascade


def detect_face(frame: NDArray[np.uint8]) -> Box | None:
    """Find the largest frontal face in an RGB frame.

    Parameters
    ----------
    frame : array of uint8, shape (height, width, 3)
        RGB image.

    Returns
    -------
    box : (x, y, width, height) or None
        Pixel box of the largest face, or None when no face is found.
    """
    import cv2

    gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    scale = min(1.0, _DETECT_WIDTH / gray.shape[1])
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gray = cv2.equalizeHist(gray)
    min_side = max(20, min(gray.shape) // 8)
    boxes = _cascade().detectMultiScale(
        gray, scaleFactor=1.1, minNeighbors=5, minSize=(min_side, min_side)
    )
    if len(boxes) == 0:
        return None
    x, y, w, h = max(boxes, key=lambda b: b[2] * b[3])
    return tuple(int(v / scale + 0.5) for v in (x, y, w, h))  # type: ignore[return-value]


def crop_face(frame: NDArray[np.uint8], box: Box, size: int = 64) -> NDArray[np.uint8]:
    """Cut the square around ``box`` (clipped to the frame) and resize it.

    Parameters
    ----------
    frame : array of uint8, shape (height, width, 3)
        RGB image.
    box : (x, y, width, height)
        Face box, pixels.
    size : int
        Side of the output, pixels.

    Returns
    -------
    crop : array of uint8, shape (size, size, 3)
    """
    import cv2

    x, y, w, h = box
    side = max(w, h)
    cx, cy = x + w / 2, y + h / 2
    top = int(np.clip(round(cy - side / 2), 0, max(0, frame.shape[0] - side)))
    left = int(np.clip(round(cx - side / 2), 0, max(0, frame.shape[1] - side)))
    patch = frame[top : top + side, left : left + side]
    return cv2.resize(patch, (size, size), interpolation=cv2.INTER_AREA)


def _video_frames(
    path: Path, n_seconds: int | None, fps: int, offset_s: float
) -> tuple[int, Iterator[NDArray[np.uint8]]]:
    """Number of EEG seconds and a generator of the RGB frames aligned to them."""
    import cv2

    name = Path(path).name
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise ValueError(f"the video {name} could not be opened (mp4 or avi)")
    video_fps = capture.get(cv2.CAP_PROP_FPS)
    n_frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    available = int((n_frames / video_fps - offset_s) // 1) if video_fps > 0 else 0
    n_seconds = available if n_seconds is None else n_seconds
    if n_frames <= 0 or n_seconds < 1 or n_seconds > available:
        capture.release()
        raise ValueError(
            f"the video {name} covers {available} s after the offset, the EEG needs {n_seconds} s"
        )
    times = offset_s + np.arange(n_seconds * fps) / fps
    wanted = np.minimum(np.round(times * video_fps).astype(int), n_frames - 1)

    def frames() -> Iterator[NDArray[np.uint8]]:
        index, frame = -1, None
        try:
            for target in wanted:
                while index < target:
                    if not capture.grab():
                        raise ValueError(f"the video {name} ended at frame {index + 1}")
                    index, frame = index + 1, None
                if frame is None:
                    ok, bgr = capture.retrieve()
                    if not ok:
                        raise ValueError(f"frame {index} of {name} could not be decoded")
                    frame = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                yield frame
        finally:
            capture.release()

    return n_seconds, frames()


def read_frames(
    path: Path, n_seconds: int | None = None, fps: int = 5, offset_s: float = 0.0
) -> NDArray[np.uint8]:
    """Read ``fps`` frames per second, aligned to EEG seconds, from a video file.

    Frame ``k`` of second ``s`` is the video frame nearest to time
    ``offset_s + s + k / fps`` (``offset_s``: where EEG second 0 falls in the video).
    Holds every frame in memory: for long videos use `video_face_crops`.

    Parameters
    ----------
    path : Path
        mp4/avi (anything OpenCV's FFmpeg backend reads).
    n_seconds : int or None
        Number of EEG seconds; None takes every whole second of the video.
    fps : int
        Frames kept per second (5 for DeepVANet/AIMSTF-SSFF).
    offset_s : float
        Video time of EEG second 0, seconds.

    Returns
    -------
    frames : array of uint8, shape (n_seconds, fps, height, width, 3)
        RGB frames.
    """
    n_seconds, frames = _video_frames(path, n_seconds, fps, offset_s)
    stacked = np.stack(list(frames))
    return stacked.reshape(n_seconds, fps, *stacked.shape[1:])


def _crop_all(frames: Iterable[NDArray[np.uint8]], size: int) -> NDArray[np.float32]:
    """Crops ``(n_frames, 3, size, size)`` in [0, 1]; undetected frames reuse a box.

    A frame without a detection uses the latest earlier detection; frames before
    the first detection wait for it (only those are held in memory).
    """
    crops: list[NDArray[np.uint8]] = []
    waiting: list[NDArray[np.uint8]] = []
    box: Box | None = None
    for frame in frames:
        box = detect_face(frame) or box
        if box is None:
            waiting.append(frame)
            continue
        crops.extend(crop_face(early, box, size) for early in waiting)
        waiting = []
        crops.append(crop_face(frame, box, size))
    if box is None:
        raise NoFaceFoundError(
            f"no face was found in any of the {len(waiting)} frames; upload a video in which "
            "the participant's face is frontal, lit and visible"
        )
    return np.stack(crops).transpose(0, 3, 1, 2).astype(np.float32) / 255.0


def face_crops(frames: NDArray[np.uint8], size: int = 64) -> NDArray[np.float32]:
    """Detect and crop the face in every frame, as the face branch's input tensor.

    Parameters
    ----------
    frames : array of uint8, shape (n_seconds, n_frames, height, width, 3)
        RGB frames from `read_frames`.
    size : int
        Side of the crops, pixels.

    Returns
    -------
    crops : array of float32, shape (n_seconds, n_frames, 3, size, size)
        RGB in [0, 1]. A frame without a detection reuses the latest earlier box.

    Raises
    ------
    NoFaceFoundError
        When no frame holds a detectable face.
    """
    flat = frames.reshape(-1, *frames.shape[-3:])
    return _crop_all(flat, size).reshape(*frames.shape[:2], 3, size, size)


def video_face_crops(
    path: Path, n_seconds: int | None = None, fps: int = 5, offset_s: float = 0.0, size: int = 64
) -> NDArray[np.float32]:
    """`read_frames` then `face_crops`, one frame at a time (memory: the crops only).

    Returns
    -------
    crops : array of float32, shape (n_seconds, fps, 3, size, size)
        RGB in [0, 1].
    """
    n_seconds, frames = _video_frames(path, n_seconds, fps, offset_s)
    return _crop_all(frames, size).reshape(n_seconds, fps, 3, size, size)
