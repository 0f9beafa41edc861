"""Face video: frames at a fixed rate aligned to EEG seconds, face alignment and crop.

The AIMSTF-SSFF recipe (spec §1.1) found faces with a 68-landmark detector, rotated
each frame so the eyes are level and cut the square from ``above_eyes · d`` above the
eye centre to ``below_lips · d`` below the lip centre (``d``: eye centre to lip
centre, vertically), centred horizontally on the eye centre, resized to 64 × 64.
No landmark model is available here, so the same geometry is built from the Haar
cascades bundled with ``opencv-python-headless``:

* the face is OpenCV's frontal-face box (largest face in the frame);
* the eyes are found by the eye cascade (``haarcascade_eye_tree_eyeglasses``, which
  also handles glasses) in rows 0.15-0.6 of the face box, one left and one right of
  the box centre; the eye centre is their midpoint and the eye line's angle gives the
  rotation. Haar eye boxes are centred on the eye only to a few pixels, so the angle
  is good to about ±2°;
* the lip centre is **estimated**, not detected (the bundled smile cascade is
  unreliable): it lies ``EYE_TO_LIPS_PER_EYE_DISTANCE`` (1.1) inter-eye distances
  below the eye centre, on the perpendicular of the levelled eye line;
* when the eyes are not found, the eye line is taken level at ``BOX_EYE_LINE`` (0.38)
  of the face box height and the lips ``BOX_EYE_TO_LIPS`` (0.38) box heights below it.

Videos are tracked (`track_faces`): after a first search of the whole frame, each
frame is searched only around the last face box and at about its size, the eyes every
``EYE_EVERY`` (10) frames; between eye searches the eyes keep their place in the face
box. That is about 18 times less work than searching every frame whole, with boxes and
crop squares within 0.83 intersection over union of that search's in 95 % of frames
(`bench.face --compare`).

Crops are RGB, padded by repeating the frame's edge where the square leaves the
frame, resized with ``cv2.INTER_AREA`` and scaled to [0, 1], as the DeepVANet /
AIMSTF-SSFF face branch takes them (5 frames per 1-s segment, ``(5, 3, 64, 64)``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import cv2

Box = tuple[int, int, int, int]
Point = tuple[float, float]

#: Frames are downscaled to at most this width for face detection (speed).
_DETECT_WIDTH = 320

#: FFmpeg decoding threads: one decodes a 25-fps 640 × 480 MPEG-4 video in 0.34 CPU s
#: per minute, two (OpenCV's default on two cores) in 0.50 s.
_DECODE_THREADS = 1

#: A tracked face is searched for within this fraction of its box's side around the
#: last box (0.5: a 2 × 2 box region), which covers a head moving half its width per frame.
_TRACK_MARGIN = 0.5

#: The search region's edges lie on multiples of this many pixels (of the frame as
#: searched, at most ``_DETECT_WIDTH`` wide).
_TRACK_GRID = 8

#: A tracked face is searched for at these sizes, fractions of the last box's side.
_TRACK_SIZES = (0.8, 1.25)

#: Frames between eye searches while a face is tracked (in between, the eyes move with
#: the face box). An eye search costs as much as 5-10 tracked face searches.
EYE_EVERY = 10

#: Frames between whole-frame face searches while no face is tracked.
SEARCH_EVERY = 5

#: Face boxes are rescaled to this width for the eye search, which looks for eye boxes
#: ``_EYE_SIZES`` of it wide (20-40 px; the cascade's window is 20). The cascade's eye boxes
#: (an eye with its brow and lids) are 0.15-0.2 of the face box on Grace Hopper's
#: portrait at three sizes. The search before (240 px, 1/12-1/3) cost four times as
#: much and found the same eyes to 0.9 % of the face width on average (1.9 % at
#: most; 30 frames of `bench.face`'s video).
_EYE_SEARCH_WIDTH = 160

#: Smallest and largest eye box searched, fractions of the face box width.
_EYE_SIZES = (1 / 8, 1 / 4)

#: Rows of the face box searched for eyes, fractions of its height from the top
#: (below the hairline and forehead, above the nose tip).
_EYE_SEARCH_ROWS = (0.15, 0.6)

#: Eye-line-to-lip-centre distance per inter-eye distance. The InsightFace 5-point
#: alignment template (mean landmarks of many faces) has 1.15 (eye centres to the
#: mouth corners); on Grace Hopper's portrait the detected eyes are 85 px apart and
#: the lip centre about 87 px below them (1.03). 1.1 lies between, nearer the
#: many-face template than the single portrait.
EYE_TO_LIPS_PER_EYE_DISTANCE = 1.1

#: Without eyes: the eye line's height in OpenCV's frontal-face box, a fraction of
#: the box height from its top (0.38 on Grace Hopper's portrait, where the eyes are
#: found; the usual 0.35-0.4 of that detector's boxes).
BOX_EYE_LINE = 0.38

#: Without eyes: eye line to lip centre, a fraction of the face box height (0.38 on
#: Grace Hopper's portrait: lips at 0.76 of the box).
BOX_EYE_TO_LIPS = 0.38

_FACE_CASCADE = "haarcascade_frontalface_default.xml"
_EYE_CASCADE = "haarcascade_eye_tree_eyeglasses.xml"

#: Colour orders the crops can be given in (the frames are decoded to RGB).
COLORS = ("rgb",)


class NoFaceFoundError(ValueError):
    """No face was detected in the video; the message says what to upload instead."""


@dataclass(frozen=True)
class FaceAlignment:
    """Where a face's eyes and lips are, and how to level them.

    Attributes
    ----------
    eye_centre : (x, y)
        Midpoint of the two eyes, pixels of the frame.
    angle : float
        Angle of the eye line (left eye to right eye in the image) to the horizontal,
        degrees, positive when the right eye is lower (image y points down). Rotating
        the frame by this angle counter-clockwise about ``eye_centre`` levels the eyes.
    eye_to_lips : float
        Distance from the eye centre to the lip centre in the levelled frame, pixels
        (``d`` of the spec).
    """

    eye_centre: Point
    angle: float
    eye_to_lips: float

    @property
    def lip_centre(self) -> Point:
        """Lip centre in the levelled frame: ``eye_to_lips`` below the eye centre."""
        x, y = self.eye_centre
        return (x, y + self.eye_to_lips)


@cache
def _cascade(name: str) -> cv2.CascadeClassifier:
    import cv2

    path = Path(cv2.data.haarcascades) / name
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise RuntimeError(f"OpenCV's detector could not be loaded from {path}")
    return cascade


def _detection_gray(frame: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], float]:
    """Gray, histogram-equalised ``frame`` at most ``_DETECT_WIDTH`` wide, and its scale."""
    import cv2

    gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    scale = min(1.0, _DETECT_WIDTH / gray.shape[1])
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.equalizeHist(gray), scale


def search_region(near: Box, shape: tuple[int, int]) -> Box:
    """The part of a frame searched for a face last seen at ``near``.

    ``near`` widened by ``_TRACK_MARGIN`` of its width and height on every side, its
    edges moved out to multiples of ``_TRACK_GRID`` pixels and clipped to the frame.
    On the grid, a box that jitters by a pixel or two leaves the region where it was,
    so a still face is searched on the same pixels and found in the same box.

    Parameters
    ----------
    near : (x, y, width, height)
        Last face box, pixels.
    shape : (height, width)
        Frame size, pixels.

    Returns
    -------
    region : (x, y, width, height)
    """
    x, y, w, h = near
    grid = _TRACK_GRID
    left = max(0, math.floor((x - _TRACK_MARGIN * w) / grid) * grid)
    top = max(0, math.floor((y - _TRACK_MARGIN * h) / grid) * grid)
    right = min(shape[1], math.ceil((x + (1 + _TRACK_MARGIN) * w) / grid) * grid)
    bottom = min(shape[0], math.ceil((y + (1 + _TRACK_MARGIN) * h) / grid) * grid)
    return left, top, max(0, right - left), max(0, bottom - top)


def _largest_face(gray: NDArray[np.uint8], sizes: tuple[int, int]) -> Box | None:
    """The largest face box of the frontal-face cascade in ``gray``, sides within ``sizes``
    (smallest, largest; largest 0: no limit)."""
    boxes = _cascade(_FACE_CASCADE).detectMultiScale(
        gray, scaleFactor=1.1, minNeighbors=5, minSize=(sizes[0],) * 2, maxSize=(sizes[1],) * 2
    )
    if len(boxes) == 0:
        return None
    return tuple(int(v) for v in max(boxes, key=lambda b: b[2] * b[3]))  # type: ignore[return-value]


def detect_face(frame: NDArray[np.uint8], near: Box | None = None) -> Box | None:
    """Find the largest frontal face in an RGB frame, or the face near a previous box.

    The frame is searched in gray, equalised, at most ``_DETECT_WIDTH`` (320) pixels
    wide. With ``near``, only `search_region` is searched, for faces ``_TRACK_SIZES``
    (0.8-1.25) times the size of ``near``: about 25 times less work than the whole
    frame at every size (2-3 ms instead of 70 ms at 320 × 240 on the 2-core machine).
    Shrinking the region further, to a 40-px face, lost the face in most frames of
    `bench.face`'s video.

    Parameters
    ----------
    frame : array of uint8, shape (height, width, 3)
        RGB image.
    near : (x, y, width, height) or None
        Face box in the previous frame, pixels; None searches the whole frame.

    Returns
    -------
    box : (x, y, width, height) or None
        Pixel box of the largest face, or None when no face is found.
    """
    gray, scale = _detection_gray(frame)
    min_side = max(20, min(gray.shape) // 8)
    sizes, left, top = (min_side, 0), 0, 0
    if near is not None:
        side = near[2] * scale
        left, top, width, height = search_region(
            tuple(round(v * scale) for v in near),  # type: ignore[arg-type]
            gray.shape,  # type: ignore[arg-type]
        )
        gray = gray[top : top + height, left : left + width]
        smallest = round(max(min_side, _TRACK_SIZES[0] * side))
        sizes = (smallest, max(smallest, round(_TRACK_SIZES[1] * side)))
        if min(gray.shape) < sizes[0]:
            return None
    box = _largest_face(gray, sizes)
    if box is None:
        return None
    x, y, w, h = box
    return tuple(int(v / scale + 0.5) for v in (x + left, y + top, w, h))  # type: ignore[return-value]


def pick_eyes(
    centres: Sequence[Point], weights: Sequence[float], centre_x: float
) -> tuple[Point, Point] | None:
    """The most confident eye left of ``centre_x`` and the most confident right of it.

    Parameters
    ----------
    centres : sequence of (x, y)
        Centres of the eye detections, pixels.
    weights : sequence of float
        Confidence of each detection (the cascade's level weight).
    centre_x : float
        Horizontal centre of the face box, pixels.

    Returns
    -------
    eyes : ((x, y), (x, y)) or None
        Left and right eye in the image, or None when one side has no detection.
    """
    ranked = sorted(zip(weights, centres, strict=True), reverse=True)
    left = next((c for _, c in ranked if c[0] < centre_x), None)
    right = next((c for _, c in ranked if c[0] >= centre_x), None)
    return None if left is None or right is None else (left, right)


def detect_eyes(frame: NDArray[np.uint8], box: Box) -> tuple[Point, Point] | None:
    """Find the two eyes in the upper part of a face box.

    The box's rows ``_EYE_SEARCH_ROWS`` (0.15-0.6 of its height) are rescaled to a
    face width of 160 px and searched with OpenCV's eye cascade; `pick_eyes` keeps
    one eye on each side of the box centre.

    Parameters
    ----------
    frame : array of uint8, shape (height, width, 3)
        RGB image.
    box : (x, y, width, height)
        Face box from `detect_face`, pixels.

    Returns
    -------
    eyes : ((x, y), (x, y)) or None
        Centres of the left and right eye in the image, pixels of ``frame``; None
        when an eye is not found on each side.
    """
    import cv2

    x, y, w, h = box
    top = max(0, y + round(_EYE_SEARCH_ROWS[0] * h))
    left = max(0, x)
    roi = frame[top : y + round(_EYE_SEARCH_ROWS[1] * h), left : x + w]
    if roi.size == 0:
        return None
    scale = _EYE_SEARCH_WIDTH / w
    gray = cv2.resize(
        cv2.cvtColor(roi, cv2.COLOR_RGB2GRAY),
        None,
        fx=scale,
        fy=scale,
        interpolation=cv2.INTER_AREA if scale < 1.0 else cv2.INTER_LINEAR,
    )
    found, _, weights = _cascade(_EYE_CASCADE).detectMultiScale3(
        gray,
        scaleFactor=1.05,
        minNeighbors=3,
        minSize=(round(_EYE_SIZES[0] * _EYE_SEARCH_WIDTH),) * 2,
        maxSize=(round(_EYE_SIZES[1] * _EYE_SEARCH_WIDTH),) * 2,
        outputRejectLevels=True,
    )
    centres = [
        (left + (ex + ew / 2) / scale, top + (ey + eh / 2) / scale) for ex, ey, ew, eh in found
    ]
    return pick_eyes(centres, [float(v) for v in np.ravel(weights)], x + w / 2)


def alignment_from_eyes(left: Point, right: Point) -> FaceAlignment:
    """Eye centre, eye-line angle and estimated lip distance from the two eyes.

    The lip centre is not detected: it is taken ``EYE_TO_LIPS_PER_EYE_DISTANCE``
    (1.1) inter-eye distances below the eye centre. The InsightFace 5-point template
    (mean landmarks) gives 1.15 and Grace Hopper's portrait 1.03; the inter-eye
    distance does not change when the head rolls, unlike the face box.

    Parameters
    ----------
    left, right : (x, y)
        Eye centres, left and right in the image, pixels.

    Returns
    -------
    alignment : FaceAlignment
    """
    dx, dy = right[0] - left[0], right[1] - left[1]
    return FaceAlignment(
        eye_centre=((left[0] + right[0]) / 2, (left[1] + right[1]) / 2),
        angle=math.degrees(math.atan2(dy, dx)),
        eye_to_lips=EYE_TO_LIPS_PER_EYE_DISTANCE * math.hypot(dx, dy),
    )


def alignment_from_box(box: Box) -> FaceAlignment:
    """Level eyes and lips at fixed heights of a face box (when no eyes are found).

    The eye line lies ``BOX_EYE_LINE`` (0.38) of the box height below its top, on its
    vertical centre line, and the lip centre ``BOX_EYE_TO_LIPS`` (0.38) box heights
    below that: the proportions of OpenCV's frontal-face box on Grace Hopper's
    portrait, where the eyes are detected.

    Parameters
    ----------
    box : (x, y, width, height)
        Face box, pixels.

    Returns
    -------
    alignment : FaceAlignment
        Angle 0.
    """
    x, y, w, h = box
    return FaceAlignment(
        eye_centre=(x + w / 2, y + BOX_EYE_LINE * h), angle=0.0, eye_to_lips=BOX_EYE_TO_LIPS * h
    )


def align_face(frame: NDArray[np.uint8], box: Box) -> FaceAlignment:
    """`alignment_from_eyes` when both eyes are found in ``box``, else `alignment_from_box`.

    Parameters
    ----------
    frame : array of uint8, shape (height, width, 3)
        RGB image.
    box : (x, y, width, height)
        Face box from `detect_face`, pixels.

    Returns
    -------
    alignment : FaceAlignment
    """
    eyes = detect_eyes(frame, box)
    return alignment_from_box(box) if eyes is None else alignment_from_eyes(*eyes)


def crop_square(
    eye_centre: Point, lip_centre: Point, above_eyes: float, below_lips: float
) -> tuple[float, float, float]:
    """The spec's crop square in a levelled frame.

    With ``d = lip_y - eye_y``, the square runs from ``eye_y - above_eyes · d`` to
    ``lip_y + below_lips · d`` vertically and is centred on ``eye_x`` horizontally.

    Parameters
    ----------
    eye_centre, lip_centre : (x, y)
        Eye and lip centres, pixels (image y points down).
    above_eyes, below_lips : float
        Margins above the eyes and below the lips, in units of ``d`` (the model
        card's ``face_crop`` parameters).

    Returns
    -------
    left, top, side : float
        Left and top edge and side of the square, pixels.

    Raises
    ------
    ValueError
        When the lips are not below the eyes or the square would be empty.
    """
    d = lip_centre[1] - eye_centre[1]
    if d <= 0:
        raise ValueError(f"the lip centre must lie below the eye centre, not {d} px below")
    top = eye_centre[1] - above_eyes * d
    side = lip_centre[1] + below_lips * d - top
    if side <= 0:
        raise ValueError(f"above_eyes {above_eyes} and below_lips {below_lips} leave no crop")
    return eye_centre[0] - side / 2, top, side


def crop_face(
    frame: NDArray[np.uint8],
    alignment: FaceAlignment,
    *,
    above_eyes: float,
    below_lips: float,
    size: int = 64,
) -> NDArray[np.uint8]:
    """Level the eyes, cut the `crop_square` and resize it.

    The frame is rotated by ``alignment.angle`` about the eye centre
    (``cv2.getRotationMatrix2D`` and ``cv2.warpAffine``, bilinear) straight into the
    square, repeating the frame's edge where the square leaves it, then resized to
    ``size × size`` with ``cv2.INTER_AREA``.

    Parameters
    ----------
    frame : array of uint8, shape (height, width, 3)
        RGB image.
    alignment : FaceAlignment
        From `align_face`.
    above_eyes, below_lips : float
        The model card's ``face_crop`` margins, in units of the eye-to-lip distance.
    size : int
        Side of the output, pixels.

    Returns
    -------
    crop : array of uint8, shape (size, size, 3)
        RGB, as ``frame``.
    """
    import cv2

    left, top, side = crop_square(
        alignment.eye_centre, alignment.lip_centre, above_eyes, below_lips
    )
    rotation = cv2.getRotationMatrix2D(alignment.eye_centre, alignment.angle, 1.0)
    rotation[:, 2] -= (left, top)
    pixels = max(1, round(side))
    patch = cv2.warpAffine(
        frame,
        rotation,
        (pixels, pixels),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return cv2.resize(patch, (size, size), interpolation=cv2.INTER_AREA)


def video_frames(
    path: Path, n_seconds: int | None = None, fps: int = 5, offset_s: float = 0.0
) -> tuple[int, Iterator[NDArray[np.uint8]]]:
    """Read ``fps`` frames per second, aligned to EEG seconds, one at a time.

    Frame ``k`` of second ``s`` is the video frame nearest to time
    ``offset_s + s + k / fps`` (``offset_s``: where EEG second 0 falls in the video).

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
    n_seconds : int
        Number of EEG seconds covered.
    frames : iterator of arrays of uint8, shape (height, width, 3)
        The ``n_seconds · fps`` RGB frames, decoded as they are taken.

    Raises
    ------
    ValueError
        When the video cannot be opened or does not cover ``n_seconds``.
    """
    import cv2

    name = Path(path).name
    capture = cv2.VideoCapture(str(path), cv2.CAP_ANY, [cv2.CAP_PROP_N_THREADS, _DECODE_THREADS])
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


def eyes_in_box(eyes: tuple[Point, Point], box: Box) -> tuple[Point, Point]:
    """Eye centres as fractions of a face box: ``((x - left) / width, (y - top) / height)``.

    Parameters
    ----------
    eyes : ((x, y), (x, y))
        Left and right eye, pixels.
    box : (x, y, width, height)
        Face box, pixels.

    Returns
    -------
    eyes : ((u, v), (u, v))
        The same eyes in units of the box, from its top-left corner.
    """
    x, y, w, h = box
    (lx, ly), (rx, ry) = eyes
    return ((lx - x) / w, (ly - y) / h), ((rx - x) / w, (ry - y) / h)


def eyes_from_box(relative: tuple[Point, Point], box: Box) -> tuple[Point, Point]:
    """Pixel eye centres from `eyes_in_box` fractions and a (moved) face box."""
    x, y, w, h = box
    (lu, lv), (ru, rv) = relative
    return (x + lu * w, y + lv * h), (x + ru * w, y + rv * h)


def track_faces(
    frames: Iterable[NDArray[np.uint8]],
    eye_every: int = EYE_EVERY,
    search_every: int = SEARCH_EVERY,
) -> Iterator[tuple[NDArray[np.uint8], Box | None, FaceAlignment | None]]:
    """Face box and alignment of each frame, searched near the last face.

    While a face is tracked, each frame is searched only around its last box
    (`detect_face` with ``near``); when the face is not there, the whole frame is
    searched. While no face is tracked, the whole frame is searched every
    ``search_every`` frames (from the first frame on), and the frames between are
    taken as faceless. The eyes are searched (`detect_eyes`) when a face is first
    found and then every ``eye_every`` frames; in between they keep their place in the
    face box (`eyes_in_box`), so the crop follows the face while the eye-line angle
    holds until the next search. Frames where the last eye search found no eyes are
    aligned from the box (`alignment_from_box`), as `align_face` does.

    Parameters
    ----------
    frames : iterable of arrays of uint8, shape (height, width, 3)
        RGB frames in time order.
    eye_every : int
        Frames between eye searches while a face is tracked (1: every frame).
    search_every : int
        Frames between whole-frame searches while no face is tracked (1: every frame).

    Yields
    ------
    frame : array of uint8
        The frame itself.
    box : (x, y, width, height) or None
        Face box, pixels; None when no face is found or searched for.
    alignment : FaceAlignment or None
        None when ``box`` is None.
    """
    box: Box | None = None
    eyes: tuple[Point, Point] | None = None
    since_eyes = since_search = 0
    for frame in frames:
        found = None if box is None else detect_face(frame, near=box)
        if found is None and (box is not None or since_search % search_every == 0):
            found, since_search = detect_face(frame), 0
        since_search += 1
        if found is None:
            box = None
            yield frame, None, None
            continue
        if box is None or since_eyes % eye_every == 0:
            seen = detect_eyes(frame, found)
            eyes = None if seen is None else eyes_in_box(seen, found)
            since_eyes = 0
        else:
            seen = None if eyes is None else eyes_from_box(eyes, found)
        since_eyes += 1
        box = found
        yield frame, box, alignment_from_box(box) if seen is None else alignment_from_eyes(*seen)


def crop_faces(
    frames: Iterable[NDArray[np.uint8]], size: int, above_eyes: float, below_lips: float
) -> NDArray[np.float32]:
    """Aligned face crops ``(n_frames, 3, size, size)`` of RGB frames, in [0, 1].

    Each frame is aligned (`track_faces`) and cropped (`crop_face`, margins
    ``above_eyes`` and ``below_lips``, side ``size`` pixels). A frame without a face
    uses the latest earlier alignment; frames before the first face wait for it (only
    those are held in memory).

    Raises
    ------
    NoFaceFoundError
        When no frame holds a detectable face.
    """
    crops: list[NDArray[np.uint8]] = []
    waiting: list[NDArray[np.uint8]] = []
    alignment: FaceAlignment | None = None
    for frame, _, found in track_faces(frames):
        alignment = found or alignment
        if alignment is None:
            waiting.append(frame)
            continue
        for early in [*waiting, frame]:
            crops.append(
                crop_face(
                    early, alignment, above_eyes=above_eyes, below_lips=below_lips, size=size
                )
            )
        waiting = []
    if alignment is None:
        raise NoFaceFoundError(
            f"no face was found in any of the {len(waiting)} frames (every {SEARCH_EVERY}th "
            "searched); upload a video in which the participant's face is frontal, lit and visible"
        )
    return np.stack(crops).transpose(0, 3, 1, 2).astype(np.float32) / 255.0


def video_face_crops(
    path: Path,
    n_seconds: int | None = None,
    fps: int = 5,
    offset_s: float = 0.0,
    size: int = 64,
    *,
    above_eyes: float,
    below_lips: float,
    color: str = "rgb",
) -> NDArray[np.float32]:
    """Aligned face crops of a video's frames, as the face branch's input tensor.

    Frames come one at a time from `video_frames` (memory: the crops only); each is
    aligned (`track_faces`) and cropped (`crop_face`). A frame without a face reuses
    the latest earlier alignment (frames before the first face, the first one).

    Parameters
    ----------
    path : Path
        mp4/avi (anything OpenCV's FFmpeg backend reads).
    n_seconds : int or None
        Number of EEG seconds; None takes every whole second of the video.
    fps : int
        Frames kept per second.
    offset_s : float
        Video time of EEG second 0, seconds.
    size : int
        Side of the crops, pixels.
    above_eyes, below_lips : float
        Crop margins of the model card's ``face_crop`` step, in units of the
        eye-to-lip distance (`crop_square`).
    color : str
        Channel order of the crops; only ``'rgb'``.

    Returns
    -------
    crops : array of float32, shape (n_seconds, fps, 3, size, size)
        RGB in [0, 1].

    Raises
    ------
    ValueError
        When ``color`` is not ``'rgb'`` or the video is unreadable or too short.
    NoFaceFoundError
        When no frame holds a detectable face.
    """
    if color not in COLORS:
        raise ValueError(f"face crops can be given in {', '.join(COLORS)}, not {color!r}")
    n_seconds, frames = video_frames(path, n_seconds, fps, offset_s)
    crops = crop_faces(frames, size, above_eyes, below_lips)
    return crops.reshape(n_seconds, fps, 3, size, size)
