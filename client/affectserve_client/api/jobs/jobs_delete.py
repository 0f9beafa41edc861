from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.job_read import JobRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    job_id: str,
    *,
    recordings: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["recordings"] = recordings

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/jobs/{job_id}".format(
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorBody | JobRead | None:
    if response.status_code == 200:
        response_200 = JobRead.from_dict(response.json())

        return response_200

    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ErrorBody | JobRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    recordings: bool | Unset = False,
) -> Response[Any | ErrorBody | JobRead]:
    """Delete Job

     Cancel a queued or running job; delete a finished one with its result.

    Args:
        job_id (str):
        recordings (bool | Unset): Also delete its recordings that no other job reads. Default:
            False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | JobRead]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        recordings=recordings,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    recordings: bool | Unset = False,
) -> Any | ErrorBody | JobRead | None:
    """Delete Job

     Cancel a queued or running job; delete a finished one with its result.

    Args:
        job_id (str):
        recordings (bool | Unset): Also delete its recordings that no other job reads. Default:
            False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | JobRead
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        recordings=recordings,
    ).parsed


async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    recordings: bool | Unset = False,
) -> Response[Any | ErrorBody | JobRead]:
    """Delete Job

     Cancel a queued or running job; delete a finished one with its result.

    Args:
        job_id (str):
        recordings (bool | Unset): Also delete its recordings that no other job reads. Default:
            False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | JobRead]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        recordings=recordings,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    recordings: bool | Unset = False,
) -> Any | ErrorBody | JobRead | None:
    """Delete Job

     Cancel a queued or running job; delete a finished one with its result.

    Args:
        job_id (str):
        recordings (bool | Unset): Also delete its recordings that no other job reads. Default:
            False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | JobRead
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
            recordings=recordings,
        )
    ).parsed
