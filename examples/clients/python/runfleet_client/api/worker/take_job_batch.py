from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.worker_job import WorkerJob
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    worker_id: str,
    *,
    gpu: str | Unset = UNSET,
    job_in_progress: int | Unset = 0,
    batch_size: int | Unset = 1,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["gpu"] = gpu

    params["job_in_progress"] = job_in_progress

    params["batch_size"] = batch_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/{endpoint_id}/job-take-batch/{worker_id}".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            worker_id=quote(str(worker_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | list[WorkerJob] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = WorkerJob.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 507:
        response_507 = Problem.from_dict(response.json())

        return response_507

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Problem | list[WorkerJob]]:
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
    job_in_progress: int | Unset = 0,
    batch_size: int | Unset = 1,
) -> Response[Any | Problem | list[WorkerJob]]:
    """Take up to `batch_size` jobs

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):
        job_in_progress (int | Unset):  Default: 0.
        batch_size (int | Unset):  Default: 1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | list[WorkerJob]]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        gpu=gpu,
        job_in_progress=job_in_progress,
        batch_size=batch_size,
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
    job_in_progress: int | Unset = 0,
    batch_size: int | Unset = 1,
) -> Any | Problem | list[WorkerJob] | None:
    """Take up to `batch_size` jobs

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):
        job_in_progress (int | Unset):  Default: 0.
        batch_size (int | Unset):  Default: 1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | list[WorkerJob]
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        client=client,
        gpu=gpu,
        job_in_progress=job_in_progress,
        batch_size=batch_size,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
    gpu: str | Unset = UNSET,
    job_in_progress: int | Unset = 0,
    batch_size: int | Unset = 1,
) -> Response[Any | Problem | list[WorkerJob]]:
    """Take up to `batch_size` jobs

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):
        job_in_progress (int | Unset):  Default: 0.
        batch_size (int | Unset):  Default: 1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | list[WorkerJob]]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        gpu=gpu,
        job_in_progress=job_in_progress,
        batch_size=batch_size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
    gpu: str | Unset = UNSET,
    job_in_progress: int | Unset = 0,
    batch_size: int | Unset = 1,
) -> Any | Problem | list[WorkerJob] | None:
    """Take up to `batch_size` jobs

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):
        job_in_progress (int | Unset):  Default: 0.
        batch_size (int | Unset):  Default: 1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | list[WorkerJob]
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            worker_id=worker_id,
            client=client,
            gpu=gpu,
            job_in_progress=job_in_progress,
            batch_size=batch_size,
        )
    ).parsed
