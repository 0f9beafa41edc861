"""Upload recordings, run models on them, wait for the job and print each model's verdict
with how far it can be trusted.

Uses the generated client in ``client/affectserve_client``::

    pip install -e client/
    python client/example.py recording.edf --url http://127.0.0.1:8000 --model maet
    python client/example.py session1.set --companion session1.fdt --key "$AFFECTSERVE_KEY"
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from affectserve_client import AuthenticatedClient, Client
from affectserve_client.api.jobs import jobs_create, jobs_get, jobs_result
from affectserve_client.models import (
    ErrorBody,
    JobOptions,
    JobRead,
    JobReadState,
    JobResult,
    JobsCreateJsonJobCreate,
    ModelResult,
    RecordingRead,
)
from affectserve_client.types import UNSET, Unset

AnyClient = AuthenticatedClient | Client
FINAL_STATES = (JobReadState.SUCCEEDED, JobReadState.FAILED, JobReadState.CANCELLED)


class ServiceError(RuntimeError):
    """The service refused a request; the message says what is wrong and how to fix it."""


class JobFailedError(ServiceError):
    """The job ended failed or cancelled."""

    def __init__(self, job: JobRead) -> None:
        super().__init__(f"job {job.id} {job.state.value}: {job.error or 'no reason given'}")
        self.job = job


class JobTimeoutError(ServiceError):
    """The job did not end within the time allowed."""


def connect(url: str, key: str | None = None, timeout_s: float = 120.0) -> AnyClient:
    """A client of the service at ``url``; with ``key``, one that sends it as X-API-Key."""
    timeout = httpx.Timeout(timeout_s)
    if key:
        return AuthenticatedClient(base_url=url, token=key, prefix="", auth_header_name="X-API-Key", timeout=timeout)
    return Client(base_url=url, timeout=timeout)


def _refused(what: str, reply: object) -> ServiceError:
    detail = reply.detail if isinstance(reply, ErrorBody) else "unexpected answer"
    return ServiceError(f"{what}: {detail}")


def upload(
    client: AnyClient,
    path: Path,
    companions: Sequence[Path] = (),
    options: dict[str, Any] | None = None,
) -> RecordingRead:
    """Upload one recording with its companion files (.fdt, video, audio, eye CSV).

    ``options`` are reader options (sfreq, ch_names, unit, ...) for files that do not
    carry them. Returns what the service read from the recording's header.
    """
    files = [("file", (path.name, path.read_bytes()))]
    files += [("companions", (c.name, c.read_bytes())) for c in companions]
    data = {"options": json.dumps(options)} if options else {}
    reply = client.get_httpx_client().post("/v1/recordings", files=files, data=data)
    if reply.status_code != 201:
        raise ServiceError(f"upload of {path.name} refused: {reply.json().get('detail')}")
    return RecordingRead.from_dict(reply.json())


def wait_for_job(
    client: AnyClient,
    job_id: str,
    *,
    timeout_s: float = 600.0,
    poll_s: float = 0.5,
    on_progress: Callable[[JobRead], None] | None = None,
) -> JobRead:
    """Poll a job until it ends; ``on_progress`` sees every state read.

    Raises `JobTimeoutError` after ``timeout_s`` and `JobFailedError` when the job
    failed or was cancelled; returns the succeeded job.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        job = jobs_get.sync(job_id, client=client)
        if not isinstance(job, JobRead):
            raise _refused(f"job {job_id} could not be read", job)
        if on_progress is not None:
            on_progress(job)
        if job.state in FINAL_STATES:
            break
        if time.monotonic() > deadline:
            raise JobTimeoutError(f"job {job_id} still {job.state.value} after {timeout_s:g} s")
        time.sleep(poll_s)
    if job.state != JobReadState.SUCCEEDED:
        raise JobFailedError(job)
    return job


def run_job(
    client: AnyClient,
    recording_ids: list[str],
    models: list[str] | None,
    allow_untrained: bool = False,
    timeout_s: float = 600.0,
    on_progress: Callable[[JobRead], None] | None = None,
) -> JobResult:
    """Queue a job, wait for it, and return its result."""
    body = JobsCreateJsonJobCreate(
        recording_ids=recording_ids,
        models=models or UNSET,
        options=JobOptions(allow_untrained=allow_untrained),
    )
    job = jobs_create.sync(client=client, body=body)
    if not isinstance(job, JobRead):
        raise _refused("job refused", job)
    wait_for_job(client, job.id, timeout_s=timeout_s, on_progress=on_progress)
    result = jobs_result.sync(job.id, client=client)
    if not isinstance(result, JobResult):
        raise _refused(f"no result for job {job.id}", result)
    return result


def trust(model: ModelResult) -> str:
    """How far a model's result can be trusted, e.g. "weak: 41 % on held-out data, chance 33 %"."""
    rel = model.reliability
    if rel is None or isinstance(rel, Unset):
        return "reliability not stated"
    accuracy, chance = rel.accuracy, rel.chance
    if not isinstance(accuracy, float) or not isinstance(chance, float):
        return f"{rel.badge.value}: {rel.note}"
    return f"{rel.badge.value}: {accuracy:.0%} on held-out data, chance {chance:.0%}. {rel.note}"


def summary_lines(result: JobResult) -> list[str]:
    """Per recording and model: dominant label, share of windows per label, trust."""
    lines = []
    for recording in result.recordings:
        for name, model in recording.models.additional_properties.items():
            summary = model.summary
            shares = ", ".join(
                f"{label} {count / max(summary.n_windows, 1):.0%}"
                for label, count in summary.label_counts.additional_properties.items()
            )
            lines.append(
                f"{recording.filename} {name}: {summary.dominant_label} over {summary.n_windows} windows ({shares})"
            )
            lines.append(f"  trust: {trust(model)}")
            lines.extend(f"  warning: {warning}" for warning in model.warnings)
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command line: upload, run, wait, print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("recordings", nargs="+", type=Path, help="EDF, BDF, MAT or .set files")
    parser.add_argument(
        "--companion",
        action="append",
        type=Path,
        default=[],
        help="companion file of the (single) recording: .fdt, video, audio, eye CSV (repeat)",
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="service address")
    parser.add_argument(
        "--key",
        default=os.environ.get("AFFECTSERVE_KEY"),
        help="API key, if the service needs one (default: $AFFECTSERVE_KEY)",
    )
    parser.add_argument("--model", action="append", help="model name (repeat); default: all ready")
    parser.add_argument("--allow-untrained", action="store_true", help="also run models without trained weights")
    args = parser.parse_args(argv)
    if args.companion and len(args.recordings) > 1:
        parser.error("--companion goes with a single recording")

    def progress(job: JobRead) -> None:
        print(f"\r{job.state.value} {job.progress.percent:5.1f} %", end="", file=sys.stderr)

    with connect(args.url, args.key) as client:
        try:
            ids = [upload(client, path, args.companion).id for path in args.recordings]
            result = run_job(client, ids, args.model, args.allow_untrained, on_progress=progress)
        except ServiceError as err:
            print(f"\nerror: {err}", file=sys.stderr)
            return 1
    print(file=sys.stderr)
    print(f"job {result.job_id}")
    for line in summary_lines(result):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
