"""Upload a recording, run models on it, wait for the job and print the summary.

Uses the generated client in ``client/affectserve_client``::

    pip install -e client/
    python client/example.py recording.edf --url http://127.0.0.1:8000 --model maet \\
        --allow-untrained
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from affectserve_client import Client
from affectserve_client.api.jobs import jobs_create, jobs_get, jobs_result
from affectserve_client.api.recordings import recordings_create
from affectserve_client.models import (
    BodyRecordingsCreate,
    ErrorBody,
    JobOptions,
    JobRead,
    JobResult,
    JobsCreateJsonJobCreate,
    RecordingRead,
)
from affectserve_client.types import UNSET, File

FINAL_STATES = ("succeeded", "failed", "cancelled")


class JobError(RuntimeError):
    """The service refused a request or the job did not succeed."""


def upload(client: Client, path: Path) -> RecordingRead:
    """Upload one recording; returns what the service read from its header."""
    with open(path, "rb") as fid:
        body = BodyRecordingsCreate(file=File(payload=fid, file_name=path.name))
        reply = recordings_create.sync(client=client, body=body)
    if not isinstance(reply, RecordingRead):
        raise JobError(f"upload of {path.name} refused: {_detail(reply)}")
    return reply


def run_job(
    client: Client,
    recording_ids: list[str],
    models: list[str] | None,
    allow_untrained: bool,
    timeout_s: float = 600.0,
) -> JobResult:
    """Queue a job, poll it until it ends, and return its result."""
    body = JobsCreateJsonJobCreate(
        recording_ids=recording_ids,
        models=models or UNSET,
        options=JobOptions(allow_untrained=allow_untrained),
    )
    job = jobs_create.sync(client=client, body=body)
    if not isinstance(job, JobRead):
        raise JobError(f"job refused: {_detail(job)}")
    deadline = time.monotonic() + timeout_s
    while job.state not in FINAL_STATES:
        if time.monotonic() > deadline:
            raise JobError(f"job {job.id} still {job.state} after {timeout_s:g} s")
        time.sleep(0.5)
        job = jobs_get.sync(job.id, client=client)
    if job.state != "succeeded":
        raise JobError(f"job {job.id} {job.state}: {job.error}")
    result = jobs_result.sync(job.id, client=client)
    if not isinstance(result, JobResult):
        raise JobError(f"no result for job {job.id}: {_detail(result)}")
    return result


def summary_lines(result: JobResult) -> list[str]:
    """One line per recording and model: dominant label and share of windows per label."""
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
            lines.extend(f"  warning: {warning}" for warning in model.warnings)
    return lines


def _detail(reply: object) -> str:
    return reply.detail if isinstance(reply, ErrorBody) else "unexpected answer"


def main(argv: list[str] | None = None) -> int:
    """Command line: upload, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recordings", nargs="+", type=Path, help="EDF/BDF files")
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="service address")
    parser.add_argument("--model", action="append", help="model name (repeat); default: all ready")
    parser.add_argument("--allow-untrained", action="store_true", help="also run models without trained weights")
    args = parser.parse_args(argv)
    with Client(base_url=args.url, timeout=120.0) as client:
        try:
            ids = [upload(client, path).id for path in args.recordings]
            result = run_job(client, ids, args.model, args.allow_untrained)
        except JobError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    print(f"job {result.job_id}")
    for line in summary_lines(result):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
