from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.ack import Ack
from ...models.problem import Problem
from ...models.worker_health_report import WorkerHealthReport
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    worker_id: str,
    *,
    job_id: str | Unset = UNSET,
    runpod_version: str | Unset = UNSET,
    status: WorkerHealthReport | Unset = UNSET,
    check: str | Unset = UNSET,
    reason: str | Unset = UNSET,
    gpu: str | Unset = UNSET,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["job_id"] = job_id

    params["runpod_version"] = runpod_version

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["check"] = check

    params["reason"] = reason

    params["gpu"] = gpu

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/{endpoint_id}/ping/{worker_id}".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            worker_id=quote(str(worker_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Ack | Problem | None:
    if response.status_code == 200:
        response_200 = Ack.from_dict(response.json())

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
) -> Response[Ack | Problem]:
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
    job_id: str | Unset = UNSET,
    runpod_version: str | Unset = UNSET,
    status: WorkerHealthReport | Unset = UNSET,
    check: str | Unset = UNSET,
    reason: str | Unset = UNSET,
    gpu: str | Unset = UNSET,
) -> Response[Ack | Problem]:
    """Heartbeat

     Marks the worker alive and extends the leases of the jobs in `job_id`. A worker that fails a
    start-up check reports `status=unhealthy` with `check` and `reason` before exiting.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str | Unset):  Example: a1b2-u1,c3d4-u1.
        runpod_version (str | Unset):  Example: 1.12.0.
        status (WorkerHealthReport | Unset): What a worker reports about its own health;
            `unhealthy` when a start-up check failed. Example: unhealthy.
        check (str | Unset):
        reason (str | Unset):
        gpu (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Ack | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        job_id=job_id,
        runpod_version=runpod_version,
        status=status,
        check=check,
        reason=reason,
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
    job_id: str | Unset = UNSET,
    runpod_version: str | Unset = UNSET,
    status: WorkerHealthReport | Unset = UNSET,
    check: str | Unset = UNSET,
    reason: str | Unset = UNSET,
    gpu: str | Unset = UNSET,
) -> Ack | Problem | None:
    """Heartbeat

     Marks the worker alive and extends the leases of the jobs in `job_id`. A worker that fails a
    start-up check reports `status=unhealthy` with `check` and `reason` before exiting.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str | Unset):  Example: a1b2-u1,c3d4-u1.
        runpod_version (str | Unset):  Example: 1.12.0.
        status (WorkerHealthReport | Unset): What a worker reports about its own health;
            `unhealthy` when a start-up check failed. Example: unhealthy.
        check (str | Unset):
        reason (str | Unset):
        gpu (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Ack | Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        client=client,
        job_id=job_id,
        runpod_version=runpod_version,
        status=status,
        check=check,
        reason=reason,
        gpu=gpu,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
    job_id: str | Unset = UNSET,
    runpod_version: str | Unset = UNSET,
    status: WorkerHealthReport | Unset = UNSET,
    check: str | Unset = UNSET,
    reason: str | Unset = UNSET,
    gpu: str | Unset = UNSET,
) -> Response[Ack | Problem]:
    """Heartbeat

     Marks the worker alive and extends the leases of the jobs in `job_id`. A worker that fails a
    start-up check reports `status=unhealthy` with `check` and `reason` before exiting.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str | Unset):  Example: a1b2-u1,c3d4-u1.
        runpod_version (str | Unset):  Example: 1.12.0.
        status (WorkerHealthReport | Unset): What a worker reports about its own health;
            `unhealthy` when a start-up check failed. Example: unhealthy.
        check (str | Unset):
        reason (str | Unset):
        gpu (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Ack | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        job_id=job_id,
        runpod_version=runpod_version,
        status=status,
        check=check,
        reason=reason,
        gpu=gpu,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
    job_id: str | Unset = UNSET,
    runpod_version: str | Unset = UNSET,
    status: WorkerHealthReport | Unset = UNSET,
    check: str | Unset = UNSET,
    reason: str | Unset = UNSET,
    gpu: str | Unset = UNSET,
) -> Ack | Problem | None:
    """Heartbeat

     Marks the worker alive and extends the leases of the jobs in `job_id`. A worker that fails a
    start-up check reports `status=unhealthy` with `check` and `reason` before exiting.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str | Unset):  Example: a1b2-u1,c3d4-u1.
        runpod_version (str | Unset):  Example: 1.12.0.
        status (WorkerHealthReport | Unset): What a worker reports about its own health;
            `unhealthy` when a start-up check failed. Example: unhealthy.
        check (str | Unset):
        reason (str | Unset):
        gpu (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Ack | Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            worker_id=worker_id,
            client=client,
            job_id=job_id,
            runpod_version=runpod_version,
            status=status,
            check=check,
            reason=reason,
            gpu=gpu,
        )
    ).parsed
