from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.stop_signals import StopSignals
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    worker_id: str,
    *,
    gpu: str | Unset = UNSET,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["gpu"] = gpu

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/{endpoint_id}/job-stop/{worker_id}".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            worker_id=quote(str(worker_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | StopSignals | None:
    if response.status_code == 200:
        response_200 = StopSignals.from_dict(response.json())

        return response_200

    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | Problem | StopSignals]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
    gpu: str | Unset = UNSET,
) -> Response[Any | Problem | StopSignals]:
    """Jobs this worker must stop

     Held open until a job of this worker is cancelled, timed out or expired; 204 when none. When the
    control plane stops the worker itself, the poll is answered right after the worker was signalled,
    listing the worker's own id among `jobsToStop`: no job has that id, and the runpod SDK's stop loop,
    which would sleep a second after an empty answer, then sees its shutdown at once.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | StopSignals]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        gpu=gpu,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
    gpu: str | Unset = UNSET,
) -> Any | Problem | StopSignals | None:
    """Jobs this worker must stop

     Held open until a job of this worker is cancelled, timed out or expired; 204 when none. When the
    control plane stops the worker itself, the poll is answered right after the worker was signalled,
    listing the worker's own id among `jobsToStop`: no job has that id, and the runpod SDK's stop loop,
    which would sleep a second after an empty answer, then sees its shutdown at once.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | StopSignals
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        client=client,
        gpu=gpu,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
    gpu: str | Unset = UNSET,
) -> Response[Any | Problem | StopSignals]:
    """Jobs this worker must stop

     Held open until a job of this worker is cancelled, timed out or expired; 204 when none. When the
    control plane stops the worker itself, the poll is answered right after the worker was signalled,
    listing the worker's own id among `jobsToStop`: no job has that id, and the runpod SDK's stop loop,
    which would sleep a second after an empty answer, then sees its shutdown at once.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | StopSignals]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        gpu=gpu,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
    gpu: str | Unset = UNSET,
) -> Any | Problem | StopSignals | None:
    """Jobs this worker must stop

     Held open until a job of this worker is cancelled, timed out or expired; 204 when none. When the
    control plane stops the worker itself, the poll is answered right after the worker was signalled,
    listing the worker's own id among `jobsToStop`: no job has that id, and the runpod SDK's stop loop,
    which would sleep a second after an empty answer, then sees its shutdown at once.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | StopSignals
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            worker_id=worker_id,
            client=client,
            gpu=gpu,
        )
    ).parsed
