from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.job_read import JobRead
from ...models.jobs_create_files_body import JobsCreateFilesBody
from ...models.jobs_create_json_job_create import JobsCreateJsonJobCreate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: JobsCreateJsonJobCreate | JobsCreateFilesBody | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/jobs",
    }

    if isinstance(body, JobsCreateJsonJobCreate):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, JobsCreateFilesBody):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | JobRead | None:
    if response.status_code == 202:
        response_202 = JobRead.from_dict(response.json())

        return response_202

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | JobRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: JobsCreateJsonJobCreate | JobsCreateFilesBody | Unset = UNSET,
) -> Response[ErrorBody | JobRead]:
    """Create Job

     Queue a job: JSON with recording ids, or multipart with the files themselves.

    The job is stored first; when the job queue is unreachable it is still accepted
    (``queued``, its progress message says so) and a worker sends it once the queue is
    back.

    Args:
        body (JobsCreateJsonJobCreate): A job: run models on uploaded recordings.
        body (JobsCreateFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | JobRead]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: JobsCreateJsonJobCreate | JobsCreateFilesBody | Unset = UNSET,
) -> ErrorBody | JobRead | None:
    """Create Job

     Queue a job: JSON with recording ids, or multipart with the files themselves.

    The job is stored first; when the job queue is unreachable it is still accepted
    (``queued``, its progress message says so) and a worker sends it once the queue is
    back.

    Args:
        body (JobsCreateJsonJobCreate): A job: run models on uploaded recordings.
        body (JobsCreateFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | JobRead
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: JobsCreateJsonJobCreate | JobsCreateFilesBody | Unset = UNSET,
) -> Response[ErrorBody | JobRead]:
    """Create Job

     Queue a job: JSON with recording ids, or multipart with the files themselves.

    The job is stored first; when the job queue is unreachable it is still accepted
    (``queued``, its progress message says so) and a worker sends it once the queue is
    back.

    Args:
        body (JobsCreateJsonJobCreate): A job: run models on uploaded recordings.
        body (JobsCreateFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | JobRead]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: JobsCreateJsonJobCreate | JobsCreateFilesBody | Unset = UNSET,
) -> ErrorBody | JobRead | None:
    """Create Job

     Queue a job: JSON with recording ids, or multipart with the files themselves.

    The job is stored first; when the job queue is unreachable it is still accepted
    (``queued``, its progress message says so) and a worker sends it once the queue is
    back.

    Args:
        body (JobsCreateJsonJobCreate): A job: run models on uploaded recordings.
        body (JobsCreateFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | JobRead
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
