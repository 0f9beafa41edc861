from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.plots_get_fmt import PlotsGetFmt
from ...models.plots_get_name import PlotsGetName
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    job_id: str,
    name: PlotsGetName,
    fmt: PlotsGetFmt,
    *,
    recording: int | Unset = 0,
    model: None | str | Unset = UNSET,
    bands: str | Unset = "seed",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["recording"] = recording

    json_model: None | str | Unset
    if isinstance(model, Unset):
        json_model = UNSET
    else:
        json_model = model
    params["model"] = json_model

    params["bands"] = bands

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/jobs/{job_id}/plots/{name}.{fmt}".format(
            job_id=quote(str(job_id), safe=""),
            name=quote(str(name), safe=""),
            fmt=quote(str(fmt), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | File]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    job_id: str,
    name: PlotsGetName,
    fmt: PlotsGetFmt,
    *,
    client: AuthenticatedClient | Client,
    recording: int | Unset = 0,
    model: None | str | Unset = UNSET,
    bands: str | Unset = "seed",
) -> Response[ErrorBody | File]:
    """Get Plot

     A figure of a succeeded job, for one of its recordings (index ``recording``).

    A job draws its figures after its result is readable, so they are there only once it
    has succeeded (409 before); a job run with the option ``figures: false`` has none (404).

    ``timeline``: one model's predicted class per window and class probabilities over time
    (``model``, default the first). ``summary``: share of windows per label, per model.
    ``agreement``: each model's label per window and how many agree (two or more models).
    ``topomap``: band power of the recording's EEG per channel, in the band table ``bands``.
    ``eda``: the recording's skin conductance with its tonic and phasic parts (cvxEDA).

    Args:
        job_id (str):
        name (PlotsGetName):
        fmt (PlotsGetFmt):
        recording (int | Unset):  Default: 0.
        model (None | str | Unset):
        bands (str | Unset):  Default: 'seed'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | File]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        name=name,
        fmt=fmt,
        recording=recording,
        model=model,
        bands=bands,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: str,
    name: PlotsGetName,
    fmt: PlotsGetFmt,
    *,
    client: AuthenticatedClient | Client,
    recording: int | Unset = 0,
    model: None | str | Unset = UNSET,
    bands: str | Unset = "seed",
) -> ErrorBody | File | None:
    """Get Plot

     A figure of a succeeded job, for one of its recordings (index ``recording``).

    A job draws its figures after its result is readable, so they are there only once it
    has succeeded (409 before); a job run with the option ``figures: false`` has none (404).

    ``timeline``: one model's predicted class per window and class probabilities over time
    (``model``, default the first). ``summary``: share of windows per label, per model.
    ``agreement``: each model's label per window and how many agree (two or more models).
    ``topomap``: band power of the recording's EEG per channel, in the band table ``bands``.
    ``eda``: the recording's skin conductance with its tonic and phasic parts (cvxEDA).

    Args:
        job_id (str):
        name (PlotsGetName):
        fmt (PlotsGetFmt):
        recording (int | Unset):  Default: 0.
        model (None | str | Unset):
        bands (str | Unset):  Default: 'seed'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | File
    """

    return sync_detailed(
        job_id=job_id,
        name=name,
        fmt=fmt,
        client=client,
        recording=recording,
        model=model,
        bands=bands,
    ).parsed


async def asyncio_detailed(
    job_id: str,
    name: PlotsGetName,
    fmt: PlotsGetFmt,
    *,
    client: AuthenticatedClient | Client,
    recording: int | Unset = 0,
    model: None | str | Unset = UNSET,
    bands: str | Unset = "seed",
) -> Response[ErrorBody | File]:
    """Get Plot

     A figure of a succeeded job, for one of its recordings (index ``recording``).

    A job draws its figures after its result is readable, so they are there only once it
    has succeeded (409 before); a job run with the option ``figures: false`` has none (404).

    ``timeline``: one model's predicted class per window and class probabilities over time
    (``model``, default the first). ``summary``: share of windows per label, per model.
    ``agreement``: each model's label per window and how many agree (two or more models).
    ``topomap``: band power of the recording's EEG per channel, in the band table ``bands``.
    ``eda``: the recording's skin conductance with its tonic and phasic parts (cvxEDA).

    Args:
        job_id (str):
        name (PlotsGetName):
        fmt (PlotsGetFmt):
        recording (int | Unset):  Default: 0.
        model (None | str | Unset):
        bands (str | Unset):  Default: 'seed'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | File]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        name=name,
        fmt=fmt,
        recording=recording,
        model=model,
        bands=bands,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: str,
    name: PlotsGetName,
    fmt: PlotsGetFmt,
    *,
    client: AuthenticatedClient | Client,
    recording: int | Unset = 0,
    model: None | str | Unset = UNSET,
    bands: str | Unset = "seed",
) -> ErrorBody | File | None:
    """Get Plot

     A figure of a succeeded job, for one of its recordings (index ``recording``).

    A job draws its figures after its result is readable, so they are there only once it
    has succeeded (409 before); a job run with the option ``figures: false`` has none (404).

    ``timeline``: one model's predicted class per window and class probabilities over time
    (``model``, default the first). ``summary``: share of windows per label, per model.
    ``agreement``: each model's label per window and how many agree (two or more models).
    ``topomap``: band power of the recording's EEG per channel, in the band table ``bands``.
    ``eda``: the recording's skin conductance with its tonic and phasic parts (cvxEDA).

    Args:
        job_id (str):
        name (PlotsGetName):
        fmt (PlotsGetFmt):
        recording (int | Unset):  Default: 0.
        model (None | str | Unset):
        bands (str | Unset):  Default: 'seed'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | File
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            name=name,
            fmt=fmt,
            client=client,
            recording=recording,
            model=model,
            bands=bands,
        )
    ).parsed
