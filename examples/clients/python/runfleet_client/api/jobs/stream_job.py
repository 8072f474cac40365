from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.stream_response import StreamResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    job_id: str,
    *,
    wait: int | Unset = 10000,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["wait"] = wait

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/{endpoint_id}/stream/{job_id}".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | StreamResponse | None:
    if response.status_code == 200:
        response_200 = StreamResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | StreamResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    wait: int | Unset = 10000,
) -> Response[Problem | StreamResponse]:
    """Take a job's streamed chunks

     Returns the chunks not yet delivered and marks them delivered. When there are none and the job
    has not ended, holds the request up to `wait` ms (default 10 s) for the next chunk.

    Each chunk is handed out once, so taking them is not a read: it needs an `admin` key or an
    `invoke` key allowed on the endpoint. A `read` key gets 403 (it would take the chunks from the
    client that runs the job); it can follow the job with `/status`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        wait (int | Unset):  Default: 10000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StreamResponse]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        job_id=job_id,
        wait=wait,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    wait: int | Unset = 10000,
) -> Problem | StreamResponse | None:
    """Take a job's streamed chunks

     Returns the chunks not yet delivered and marks them delivered. When there are none and the job
    has not ended, holds the request up to `wait` ms (default 10 s) for the next chunk.

    Each chunk is handed out once, so taking them is not a read: it needs an `admin` key or an
    `invoke` key allowed on the endpoint. A `read` key gets 403 (it would take the chunks from the
    client that runs the job); it can follow the job with `/status`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        wait (int | Unset):  Default: 10000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StreamResponse
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        job_id=job_id,
        client=client,
        wait=wait,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    wait: int | Unset = 10000,
) -> Response[Problem | StreamResponse]:
    """Take a job's streamed chunks

     Returns the chunks not yet delivered and marks them delivered. When there are none and the job
    has not ended, holds the request up to `wait` ms (default 10 s) for the next chunk.

    Each chunk is handed out once, so taking them is not a read: it needs an `admin` key or an
    `invoke` key allowed on the endpoint. A `read` key gets 403 (it would take the chunks from the
    client that runs the job); it can follow the job with `/status`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        wait (int | Unset):  Default: 10000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StreamResponse]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        job_id=job_id,
        wait=wait,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    wait: int | Unset = 10000,
) -> Problem | StreamResponse | None:
    """Take a job's streamed chunks

     Returns the chunks not yet delivered and marks them delivered. When there are none and the job
    has not ended, holds the request up to `wait` ms (default 10 s) for the next chunk.

    Each chunk is handed out once, so taking them is not a read: it needs an `admin` key or an
    `invoke` key allowed on the endpoint. A `read` key gets 403 (it would take the chunks from the
    client that runs the job); it can follow the job with `/status`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        wait (int | Unset):  Default: 10000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StreamResponse
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            job_id=job_id,
            client=client,
            wait=wait,
        )
    ).parsed
