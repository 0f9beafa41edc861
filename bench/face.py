"""Time face-frame extraction (video → AIMSTF-SSFF crops) on one core.

Run from the repository root::

    OMP_NUM_THREADS=1 nice python -m bench.face [--minutes 1 5] [--fps 25] [--width 640]

A synthetic video is written into a temporary folder (MPEG-4, ``--width`` × 3/4 pixels,
``--fps`` frames per second): Grace Hopper's portrait (matplotlib's sample data, the
face the tests use; OpenCV's cascades find it) drifting over a textured background on
a slow Lissajous path, about a third of the frame wide. `video_face_crops` then takes
5 frames per second with the AIMSTF-SSFF card's margins, as the worker does. Prints,
per length, wall and CPU seconds, CPU seconds per minute of video and × real time per
CPU second, with the machine's load average. OpenCV runs on one thread
(``cv2.setNumThreads(1)``, one FFmpeg decoding thread).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from signals.features.face import video_face_crops
from tests.worker.multimodal import portrait

#: The AIMSTF-SSFF card's ``face_crop`` margins.
MARGINS = {"above_eyes": 0.45, "below_lips": 0.30}


def face_path(n_frames: int, fps: float, width: int, height: int, face: int) -> np.ndarray:
    """Top-left corners ``(n_frames, 2)`` of a ``face``-pixel portrait drifting in the frame.

    A Lissajous path (periods 17 s across, 11 s down) that keeps the portrait inside.
    """
    seconds = np.arange(n_frames) / fps
    room_x, room_y = width - face, height - round(face * 600 / 512)
    x = room_x * (0.5 + 0.5 * np.sin(2 * np.pi * seconds / 17.0))
    y = room_y * (0.5 + 0.5 * np.sin(2 * np.pi * seconds / 11.0 + 1.0))
    return np.stack([x, y], axis=1).round().astype(int)


def write_moving_face(path: Path, duration_s: float, fps: float, width: int) -> Path:
    """Write an MPEG-4 video of the portrait drifting over a textured background."""
    height = width * 3 // 4
    face = portrait(width // 3)
    rng = np.random.default_rng(0)
    texture = cv2.resize(
        rng.integers(60, 200, (height // 16, width // 16, 3), np.uint8),
        (width, height),
        interpolation=cv2.INTER_LINEAR,
    )
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    bgr = cv2.cvtColor(face, cv2.COLOR_RGB2BGR)
    fh, fw = bgr.shape[:2]
    for x, y in face_path(round(duration_s * fps), fps, width, height, fw):
        frame = texture.copy()
        frame[y : y + fh, x : x + fw] = bgr
        writer.write(frame)
    writer.release()
    return path


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
    args = parser.parse_args()
    cv2.setNumThreads(1)
    print(
        f"{args.width}x{args.width * 3 // 4} MPEG-4 at {args.fps:g} fps, portrait "
        f"{args.width // 3} px wide, moving; 5 crops per second, OMP_NUM_THREADS="
        f"{os.environ.get('OMP_NUM_THREADS', 'unset')}, cv2 threads {cv2.getNumThreads()}"
    )
    print(
        f"{'minutes':>8}{'crops':>7}{'wall s':>9}{'CPU s':>8}{'CPU s/min':>11}"
        f"{'x real time':>13}  load"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for minutes in args.minutes:
            path = write_moving_face(
                Path(tmp) / f"{minutes:g}.mp4", 60 * minutes, args.fps, args.width
            )
            wall, cpu, n_crops = timed(path)
            load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
            print(
                f"{minutes:>8g}{n_crops:>7}{wall:>9.2f}{cpu:>8.2f}{cpu / minutes:>11.2f}"
                f"{60 * minutes / cpu:>13.1f}  {load}"
            )


if __name__ == "__main__":
    main()
