from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_event import AuditEvent
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    endpoint_id: str | Unset = UNSET,
    worker_id: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["endpointId"] = endpoint_id

    params["workerId"] = worker_id

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/audit-events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[AuditEvent] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = AuditEvent.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | list[AuditEvent]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    endpoint_id: str | Unset = UNSET,
    worker_id: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[Problem | list[AuditEvent]]:
    """The audit log

     Every session opened inside a worker (exec, WebSocket shell, SSH), newest first: who opened it,
    in which worker, what ran, when it started and ended, and how it ended. Admin keys only.

    Args:
        endpoint_id (str | Unset): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str | Unset): An opaque identifier. Example: ep_7k2m9x4q.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[AuditEvent]]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    endpoint_id: str | Unset = UNSET,
    worker_id: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Problem | list[AuditEvent] | None:
    """The audit log

     Every session opened inside a worker (exec, WebSocket shell, SSH), newest first: who opened it,
    in which worker, what ran, when it started and ended, and how it ended. Admin keys only.

    Args:
        endpoint_id (str | Unset): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str | Unset): An opaque identifier. Example: ep_7k2m9x4q.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[AuditEvent]
    """

    return sync_detailed(
        client=client,
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    endpoint_id: str | Unset = UNSET,
    worker_id: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[Problem | list[AuditEvent]]:
    """The audit log

     Every session opened inside a worker (exec, WebSocket shell, SSH), newest first: who opened it,
    in which worker, what ran, when it started and ended, and how it ended. Admin keys only.

    Args:
        endpoint_id (str | Unset): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str | Unset): An opaque identifier. Example: ep_7k2m9x4q.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[AuditEvent]]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    endpoint_id: str | Unset = UNSET,
    worker_id: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Problem | list[AuditEvent] | None:
    """The audit log

     Every session opened inside a worker (exec, WebSocket shell, SSH), newest first: who opened it,
    in which worker, what ran, when it started and ended, and how it ended. Admin keys only.

    Args:
        endpoint_id (str | Unset): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str | Unset): An opaque identifier. Example: ep_7k2m9x4q.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[AuditEvent]
    """

    return (
        await asyncio_detailed(
            client=client,
            endpoint_id=endpoint_id,
            worker_id=worker_id,
            limit=limit,
        )
    ).parsed
