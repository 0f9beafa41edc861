"""Writers of multimodal test recordings: DEAP-style EDF with EDA, face video, music, eye."""

from __future__ import annotations

from pathlib import Path

import mne
import numpy as np

from core.cards import montage_channels

DEAP_SFREQ = 128.0
EYE_SFREQ = 60.0
N_EYE_FEATURES = 33


def write_deap_edf(path: Path, duration_s: float, gsr: bool = True, seed: int = 0) -> Path:
    """Write the 32 DEAP EEG channels (20 µV noise + 10 Hz) and a GSR channel at 128 Hz.

    The GSR channel is a 3 µS level with a skin conductance response every 10 s.
    """
    channels = montage_channels("deap32")
    n_times = int(duration_s * DEAP_SFREQ)
    times = np.arange(n_times) / DEAP_SFREQ
    rng = np.random.default_rng(seed)
    data = rng.normal(0.0, 20e-6, (len(channels), n_times))
    data += 10e-6 * np.sin(2 * np.pi * 10.0 * times)
    types = ["eeg"] * len(channels)
    if gsr:
        lag = times % 10.0
        response = np.exp(-lag / 2.0) - np.exp(-lag / 0.7)
        data = np.vstack([data, 3e-6 + 0.5e-6 * response])
        channels, types = [*channels, "GSR"], [*types, "gsr"]
    info = mne.create_info(channels, DEAP_SFREQ, types)
    raw = mne.io.RawArray(data, info, verbose="error")
    mne.export.export_raw(path, raw, fmt="edf", overwrite=True, verbose="error")
    return path


def portrait(width: int = 128) -> np.ndarray:
    """Grace Hopper's portrait from matplotlib's sample data, RGB, ``width`` pixels wide."""
    import cv2
    from matplotlib import cbook

    image = cv2.imread(str(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)))
    height = round(width * image.shape[0] / image.shape[1])
    small = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_BGR2RGB)


def write_video(path: Path, duration_s: float, face: bool = True, fps: float = 5.0) -> Path:
    """Write a video of the portrait (or of a gray image without a face): MPEG-4 or MJPG."""
    import cv2

    frame = portrait() if face else np.full((150, 128, 3), 128, np.uint8)
    height, width = frame.shape[:2]
    codec = cv2.VideoWriter_fourcc(*("mp4v" if path.suffix == ".mp4" else "MJPG"))
    writer = cv2.VideoWriter(str(path), codec, fps, (width, height))
    for _ in range(round(duration_s * fps)):
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def moving_face_path(
    n_frames: int, fps: float, size: tuple[int, int], face: tuple[int, int]
) -> np.ndarray:
    """Top-left corners ``(n_frames, 2)`` (x, y) of a portrait drifting inside a frame.

    A Lissajous path (periods 17 s across, 11 s down) over the whole room the frame
    ``size`` (width, height) leaves the portrait ``face`` (width, height).
    """
    seconds = np.arange(n_frames) / fps
    room_x, room_y = size[0] - face[0], size[1] - face[1]
    x = room_x * (0.5 + 0.5 * np.sin(2 * np.pi * seconds / 17.0))
    y = room_y * (0.5 + 0.5 * np.sin(2 * np.pi * seconds / 11.0 + 1.0))
    return np.stack([x, y], axis=1).round().astype(int)


def write_moving_face(path: Path, duration_s: float, fps: float = 25.0, width: int = 640) -> Path:
    """Write an MPEG-4 video of the portrait, a third of the frame wide, drifting over a
    blurred-noise background along `moving_face_path` (frame ``width`` × 3/4 pixels)."""
    import cv2

    height = width * 3 // 4
    face = cv2.cvtColor(portrait(width // 3), cv2.COLOR_RGB2BGR)
    rng = np.random.default_rng(0)
    noise = rng.integers(60, 200, (height // 16, width // 16, 3), np.uint8)
    background = cv2.resize(noise, (width, height), interpolation=cv2.INTER_LINEAR)
    corners = moving_face_path(
        round(duration_s * fps), fps, (width, height), (face.shape[1], face.shape[0])
    )
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    for x, y in corners:
        frame = background.copy()
        frame[y : y + face.shape[0], x : x + face.shape[1]] = face
        writer.write(frame)
    writer.release()
    return path


def write_wav(path: Path, duration_s: float = 4.0, sfreq: int = 16000) -> Path:
    """Write a 16-bit mono WAV of a 440 Hz tone with a 3 Hz amplitude modulation."""
    from scipy.io import wavfile

    times = np.arange(int(duration_s * sfreq)) / sfreq
    tone = 0.3 * np.sin(2 * np.pi * 440.0 * times) * (1 + 0.5 * np.sin(2 * np.pi * 3.0 * times))
    wavfile.write(path, sfreq, (tone * 32767).astype(np.int16))
    return path


def write_eye_samples(path: Path, duration_s: float, seed: int = 0) -> Path:
    """Write gaze and pupil samples at 60 Hz (pupils 3.0 and 3.2 mm) as a CSV table."""
    n_times = int(duration_s * EYE_SFREQ)
    rng = np.random.default_rng(seed)
    columns = {
        "time": np.arange(n_times) / EYE_SFREQ,
        "gaze_x": rng.normal(960.0, 5.0, n_times),
        "gaze_y": rng.normal(540.0, 5.0, n_times),
        "pupil_left": np.full(n_times, 3.0),
        "pupil_right": np.full(n_times, 3.2),
    }
    table = np.column_stack(list(columns.values()))
    np.savetxt(path, table, delimiter=",", header=",".join(columns), comments="")
    return path


def write_eye_features(path: Path, n_windows: int) -> Path:
    """Write precomputed eye features: row ``k`` holds ``k`` in all 33 columns."""
    rows = np.repeat(np.arange(n_windows, dtype=float)[:, np.newaxis], N_EYE_FEATURES, axis=1)
    np.savetxt(path, rows, delimiter=",")
    return path
