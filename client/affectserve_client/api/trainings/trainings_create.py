from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.training_create import TrainingCreate
from ...models.training_read import TrainingRead
from ...types import Response


def _get_kwargs(
    *,
    body: TrainingCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/trainings",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | TrainingRead | None:
    if response.status_code == 202:
        response_202 = TrainingRead.from_dict(response.json())

        return response_202

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | TrainingRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TrainingCreate,
) -> Response[ErrorBody | TrainingRead]:
    """Create Training

     Train a model version on uploaded recordings and their labels (a Celery job on the
    ``training`` queue); evaluation by trial, beside chance and a linear baseline.

    Args:
        body (TrainingCreate): A training: a model version fitted on uploaded recordings and their
            labels.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TrainingRead]
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
    body: TrainingCreate,
) -> ErrorBody | TrainingRead | None:
    """Create Training

     Train a model version on uploaded recordings and their labels (a Celery job on the
    ``training`` queue); evaluation by trial, beside chance and a linear baseline.

    Args:
        body (TrainingCreate): A training: a model version fitted on uploaded recordings and their
            labels.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TrainingRead
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TrainingCreate,
) -> Response[ErrorBody | TrainingRead]:
    """Create Training

     Train a model version on uploaded recordings and their labels (a Celery job on the
    ``training`` queue); evaluation by trial, beside chance and a linear baseline.

    Args:
        body (TrainingCreate): A training: a model version fitted on uploaded recordings and their
            labels.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TrainingRead]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TrainingCreate,
) -> ErrorBody | TrainingRead | None:
    """Create Training

     Train a model version on uploaded recordings and their labels (a Celery job on the
    ``training`` queue); evaluation by trial, beside chance and a linear baseline.

    Args:
        body (TrainingCreate): A training: a model version fitted on uploaded recordings and their
            labels.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TrainingRead
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
