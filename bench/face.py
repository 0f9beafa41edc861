"""Time face-frame extraction (video → AIMSTF-SSFF crops) on one core.

Run from the repository root::

    OMP_NUM_THREADS=1 nice python -m bench.face [--minutes 1 5] [--fps 25] [--width 640]
        [--compare]

A synthetic video is written into a temporary folder (`write_moving_face`: MPEG-4,
``--width`` × 3/4 pixels, ``--fps`` frames per second): Grace Hopper's portrait
(matplotlib's sample data, the face the tests use; OpenCV's cascades find it), a third
of the frame wide, drifting over a blurred-noise background. `video_face_crops` takes
5 frames per second with the AIMSTF-SSFF card's margins, as the worker does. Prints,
per length, wall and CPU seconds, CPU seconds per minute of video and × real time per
CPU second, with the machine's load average. OpenCV runs on one thread
(``cv2.setNumThreads(1)``; `video_frames` decodes on one FFmpeg thread).

``--compare`` also runs, on the first length, the face search and alignment of every
kept frame (decoding included, cropping not) four ways: ``every frame`` (the method
before tracking: `detect_face` on the whole frame and `align_face`, eye search at a
240-px face width for eyes 1/12-1/3 of it), ``tracked`` (`track_faces` with eye
searches on every frame, every 10th, every 10th at 160 px for eyes 1/8-1/4 of it: the
shipped one), and prints each one's CPU seconds per minute and how close its boxes and
crop squares are to ``every frame``'s (intersection over union, frames where both found
a face: 5th percentile and median) and its eye-line angle difference (95th percentile
and largest; the largest is where ``every frame`` missed the eyes or took a wrong face).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from unittest import mock

import cv2
import numpy as np

from signals.features import face
from signals.features.face import (
    Box,
    FaceAlignment,
    align_face,
    crop_square,
    detect_face,
    track_faces,
    video_face_crops,
    video_frames,
)
from tests.worker.multimodal import write_moving_face

#: The AIMSTF-SSFF card's ``face_crop`` margins.
MARGINS = {"above_eyes": 0.45, "below_lips": 0.30}

Found = tuple[Box | None, FaceAlignment | None]


def every_frame(
    frames: Iterable[np.ndarray],
) -> Iterator[tuple[np.ndarray, Box | None, FaceAlignment | None]]:
    """The method before tracking: the whole frame searched and the eyes found in each."""
    for frame in frames:
        box = detect_face(frame)
        yield frame, box, None if box is None else align_face(frame, box)


def box_iou(a: Box, b: Box) -> float:
    """Intersection over union of two (x, y, width, height) boxes."""
    width = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    overlap = width * height
    return overlap / (a[2] * a[3] + b[2] * b[3] - overlap)


def square(alignment: FaceAlignment) -> Box:
    """The card's crop square of an alignment, as a box (rotation left out)."""
    left, top, side = crop_square(
        alignment.eye_centre, alignment.lip_centre, MARGINS["above_eyes"], MARGINS["below_lips"]
    )
    return left, top, side, side  # type: ignore[return-value]


#: Eye search before: face width 240 px, eye boxes 1/12-1/3 of it.
EYES_BEFORE = {"_EYE_SEARCH_WIDTH": 240, "_EYE_SIZES": (1 / 12, 1 / 3)}

#: Eye search now.
EYES_NOW = {name: getattr(face, name) for name in EYES_BEFORE}


def found_by(path: Path, method: Callable, eyes: dict) -> tuple[float, list[Found]]:
    """CPU seconds and (box, alignment) of every kept frame of ``path`` by ``method``,
    with the eye search settings ``eyes`` (module attributes of `signals.features.face`)."""
    cpu = time.process_time()
    with mock.patch.multiple(face, **eyes):
        _, frames = video_frames(path)
        found = [(box, alignment) for _, box, alignment in method(frames)]
    return time.process_time() - cpu, found


def compare(path: Path, minutes: float) -> None:
    """Print every method's CPU seconds per minute and its closeness to ``every frame``."""
    methods = {
        "every frame (before)": (every_frame, EYES_BEFORE),
        "tracked, eyes every frame": (
            lambda frames: track_faces(frames, eye_every=1),
            EYES_BEFORE,
        ),
        "tracked, eyes every 10th": (track_faces, EYES_BEFORE),
        "tracked, eyes every 10th, 160 px": (track_faces, EYES_NOW),
    }
    print(f"face search and alignment of {minutes:g} min, against every frame's")
    print(
        f"{'method':<34}{'CPU s/min':>10}{'box IoU p5/med':>17}{'crop IoU p5/med':>17}"
        f"{'angle p95/max':>15}  load"
    )
    reference: list[Found] = []
    for name, (method, eyes) in methods.items():
        cpu, found = found_by(path, method, eyes)
        reference = reference or found
        both = [(r, f) for r, f in zip(reference, found, strict=True) if r[1] and f[1]]
        boxes = [box_iou(r[0], f[0]) for r, f in both]
        squares = [box_iou(square(r[1]), square(f[1])) for r, f in both]
        angles = [abs(r[1].angle - f[1].angle) for r, f in both]
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"{name:<34}{cpu / minutes:>10.2f}"
            + "".join(f"{np.percentile(v, 5):>11.2f}/{np.median(v):.2f}" for v in (boxes, squares))
            + f"{np.percentile(angles, 95):>9.1f}/{max(angles):.1f}°  {load}"
        )


def timed(path: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of `video_face_crops` on ``path``, and the number of crops."""
    wall, cpu = time.perf_counter(), time.process_time()
    crops = video_face_crops(path, **MARGINS)
    return time.perf_counter() - wall, time.process_time() - cpu, crops.shape[0] * crops.shape[1]


def main() -> None:
    """Print the face-frame extraction times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[1.0, 5.0])
    parser.add_argument("--fps", type=float, default=25.0, help="Video frame rate.")
    parser.add_argument("--width", type=int, default=640, help="Video width, pixels.")
    parser.add_argument("--compare", action="store_true", help="Time the methods too.")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    print(
        f"{args.width}x{args.width * 3 // 4} MPEG-4 at {args.fps:g} fps, portrait "
        f"{args.width // 3} px wide, moving; 5 crops per second; OMP_NUM_THREADS="
        f"{os.environ.get('OMP_NUM_THREADS', 'unset')}, cv2 threads {cv2.getNumThreads()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{'minutes':>8}{'crops':>7}{'wall s':>9}{'CPU s':>8}{'CPU s/min':>11}"
        f"{'x real time':>13}  load"
    )
    with tempfile.TemporaryDirectory() as tmp:
        paths = [
            write_moving_face(Path(tmp) / f"{minutes:g}.mp4", 60 * minutes, args.fps, args.width)
            for minutes in args.minutes
        ]
        for minutes, path in zip(args.minutes, paths, strict=True):
            wall, cpu, n_crops = timed(path)
            load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
            print(
                f"{minutes:>8g}{n_crops:>7}{wall:>9.2f}{cpu:>8.2f}{cpu / minutes:>11.2f}"
                f"{60 * minutes / cpu:>13.1f}  {load}"
            )
        if args.compare:
            compare(paths[0], args.minutes[0])


if __name__ == "__main__":
    main()
