from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.worker_create import WorkerCreate
from ...models.worker_registration import WorkerRegistration
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    *,
    body: WorkerCreate | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/endpoints/{endpoint_id}/workers".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WorkerRegistration | None:
    if response.status_code == 201:
        response_201 = WorkerRegistration.from_dict(response.json())

        return response_201

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

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | WorkerRegistration]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: WorkerCreate | Unset = UNSET,
) -> Response[Problem | WorkerRegistration]:
    """Register a worker you run yourself

     Registers an external worker: one that you start and stop (by hand, on another machine, under
    your own supervisor) rather than a driver. The answer carries the worker's token and the complete
    environment to start it with; the token is shown only here. The autoscaler counts external workers
    as capacity but never starts or stops them.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (WorkerCreate | Unset): An external worker to register.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WorkerRegistration]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: WorkerCreate | Unset = UNSET,
) -> Problem | WorkerRegistration | None:
    """Register a worker you run yourself

     Registers an external worker: one that you start and stop (by hand, on another machine, under
    your own supervisor) rather than a driver. The answer carries the worker's token and the complete
    environment to start it with; the token is shown only here. The autoscaler counts external workers
    as capacity but never starts or stops them.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (WorkerCreate | Unset): An external worker to register.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WorkerRegistration
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: WorkerCreate | Unset = UNSET,
) -> Response[Problem | WorkerRegistration]:
    """Register a worker you run yourself

     Registers an external worker: one that you start and stop (by hand, on another machine, under
    your own supervisor) rather than a driver. The answer carries the worker's token and the complete
    environment to start it with; the token is shown only here. The autoscaler counts external workers
    as capacity but never starts or stops them.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (WorkerCreate | Unset): An external worker to register.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WorkerRegistration]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: WorkerCreate | Unset = UNSET,
) -> Problem | WorkerRegistration | None:
    """Register a worker you run yourself

     Registers an external worker: one that you start and stop (by hand, on another machine, under
    your own supervisor) rather than a driver. The answer carries the worker's token and the complete
    environment to start it with; the token is shown only here. The autoscaler counts external workers
    as capacity but never starts or stops them.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (WorkerCreate | Unset): An external worker to register.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WorkerRegistration
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            body=body,
        )
    ).parsed
