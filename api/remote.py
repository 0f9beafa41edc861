"""The ``affectserve predict`` and ``affectserve status`` commands: a running service,
used over HTTP as any other client would.

Only the HTTP API is used (no import of the server's store or worker), so these
commands work against a service on another machine.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from core.reliability import statement
from core.schemas import FINAL_STATES, JobOptions, JobResult, JobState

#: Extensions of the files a recording is read from; any other file is a companion.
RECORDING_FILES = (".edf", ".bdf", ".mat", ".set")


class RemoteError(Exception):
    """The service refused a request or could not be reached; the message says why."""


def group_files(paths: Sequence[Path]) -> list[tuple[Path, list[Path]]]:
    """Recordings with their companion files, as the upload page groups them.

    A companion (.fdt, video, audio, eye CSV) goes with the recording of the same stem,
    or with the only recording given.

    Raises
    ------
    RemoteError
        For a companion without a recording to go with.
    """
    recordings = [p for p in paths if p.suffix.lower() in RECORDING_FILES]
    groups: dict[Path, list[Path]] = {p: [] for p in recordings}
    for path in (p for p in paths if p.suffix.lower() not in RECORDING_FILES):
        same = [r for r in recordings if r.stem.lower() == path.stem.lower()]
        owner = same[0] if same else recordings[0] if len(recordings) == 1 else None
        if owner is None:
            raise RemoteError(
                f"{path.name} is a companion file: give it the same name as its recording "
                "(EDF, BDF, MAT or .set), or predict that recording alone with it"
            )
        groups[owner].append(path)
    return list(groups.items())


def _check(reply: httpx.Response, what: str) -> Any:
    if reply.is_success:
        return reply.json() if reply.content else None
    try:
        detail = reply.json().get("detail", reply.text)
    except ValueError:
        detail = reply.text or reply.reason_phrase
    raise RemoteError(f"{what}: {detail} ({reply.status_code})")


def connect(url: str, key: str | None, timeout_s: float = 120.0) -> httpx.Client:
    """An HTTP client of the service at ``url`` (sending ``key`` as X-API-Key)."""
    headers = {"X-API-Key": key} if key else {}
    return httpx.Client(base_url=url, headers=headers, timeout=timeout_s)


def upload(
    client: httpx.Client, path: Path, companions: list[Path], options: dict[str, Any]
) -> dict[str, Any]:
    """Upload one recording with its companions; what the service read from it."""
    with ExitStack() as stack:
        files = [("file", (path.name, stack.enter_context(open(path, "rb"))))]
        files += [("companions", (p.name, stack.enter_context(open(p, "rb")))) for p in companions]
        data = {"options": json.dumps(options)} if options else {}
        return _check(client.post("/v1/recordings", files=files, data=data), path.name)


def wait(
    client: httpx.Client,
    job_id: str,
    timeout_s: float,
    on_progress: Callable[[dict[str, Any]], None],
    poll_s: float = 0.5,
) -> dict[str, Any]:
    """Poll job ``job_id`` until it is final; the job as last read."""
    deadline = time.monotonic() + timeout_s
    while True:
        job = _check(client.get(f"/v1/jobs/{job_id}"), f"job {job_id}")
        on_progress(job)
        if JobState(job["state"]) in FINAL_STATES:
            return job
        if time.monotonic() > deadline:
            raise RemoteError(f"job {job_id} still {job['state']} after {timeout_s:g} s")
        time.sleep(poll_s)


def summary_lines(result: JobResult) -> list[str]:
    """Per recording and model: the dominant label, shares of windows, how far to trust it,
    and the verdict per segment; per recording, which models disagree."""
    lines = []
    for recording in result.recordings:
        for name, model in recording.models.items():
            summary = model.summary
            shares = ", ".join(
                f"{label} {count / max(summary.n_windows, 1):.0%}"
                for label, count in summary.label_counts.items()
            )
            lines.append(
                f"{recording.filename} {name}: {summary.dominant_label} over "
                f"{summary.n_windows} windows ({shares})"
            )
            lines.append(f"  trust: {statement(model).removeprefix(name + ': ')}")
            lines.extend(f"  warning: {warning}" for warning in model.warnings)
            for part in model.segments:
                segment = recording.segments[part.segment]
                lines.append(
                    f"  segment {segment.name!r} ({segment.start_s:g}-{segment.end_s:g} s): "
                    f"{part.dominant_label}, mean p "
                    f"{part.mean_probabilities[part.dominant_label]:.2f}, {part.n_windows} windows"
                )
        lines.extend(
            f"{recording.filename}: {' and '.join(group.models)} disagree; rely on none alone"
            for group in recording.agreement
            if group.disagree
        )
    return lines


def predict(
    url: str,
    key: str | None,
    paths: Sequence[Path],
    models: list[str] | None,
    options: dict[str, Any],
    job_options: JobOptions,
    wait_s: float | None,
) -> int:
    """Upload, queue a job with ``job_options`` and (with ``wait_s``) wait for it and print
    its summary.

    Returns the exit status: 0 when the job was queued (or succeeded), 1 when a request
    was refused or the job failed.
    """
    try:
        groups = group_files(paths)
        with connect(url, key) as client:
            ids = []
            for path, companions in groups:
                read = upload(client, path, companions, options)
                ids.append(read["id"])
                print(
                    f"uploaded {read['filename']}: {read['format']}, "
                    f"{len(read['channel_names'])} channels, {read['sfreq']:g} Hz, "
                    f"{read['duration_s']:.1f} s",
                    file=sys.stderr,
                )
            body = {
                "recording_ids": ids,
                "models": models,
                "options": job_options.model_dump(),
            }
            job = _check(client.post("/v1/jobs", json=body), "the job")
            print(f"job {job['id']} {job['state']}: {url.rstrip('/')}/jobs/{job['id']}")
            if wait_s is None:
                return 0
            job = wait(client, job["id"], wait_s, _show_progress)
            print(file=sys.stderr)
            if job["state"] != JobState.SUCCEEDED:
                print(f"job {job['id']} {job['state']}: {job.get('error')}", file=sys.stderr)
                return 1
            result = JobResult.model_validate(
                _check(client.get(f"/v1/jobs/{job['id']}/result"), "the result")
            )
    except RemoteError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except httpx.TransportError as err:
        print(f"error: cannot reach the service at {url} ({err}); is it up?", file=sys.stderr)
        return 1
    for line in summary_lines(result):
        print(line)
    return 0


def _show_progress(job: dict[str, Any]) -> None:
    progress = job["progress"]
    print(
        f"\r{job['state']:9} {progress['percent']:5.1f} % {progress['stage']:12}",
        end="",
        file=sys.stderr,
    )


def status(url: str, key: str | None) -> int:
    """Print what runs and where: each component's health (``jobs``: how many are queued
    and running, and whether any is stuck).

    Returns 0 when every component is ok, else 1.
    """
    try:
        with connect(url, key, timeout_s=10.0) as client:
            reply = client.get("/health")
            if reply.status_code not in (200, 503):
                _check(reply, "health")
            health = reply.json()
    except RemoteError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except httpx.TransportError as err:
        print(f"affectserve at {url}: not reachable ({err})")
        return 1
    print(f"affectserve at {url}: {health['status']}")
    for name, component in health["components"].items():
        print(f"  {name:12} {'ok' if component['ok'] else 'DOWN':4}  {component['detail']}")
    return 0 if health["status"] == "ok" else 1
