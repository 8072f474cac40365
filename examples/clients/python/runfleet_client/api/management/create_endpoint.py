from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.endpoint import Endpoint
from ...models.endpoint_create import EndpointCreate
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: EndpointCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/endpoints",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Endpoint | Problem | None:
    if response.status_code == 201:
        response_201 = Endpoint.from_dict(response.json())

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
) -> Response[Endpoint | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: EndpointCreate,
) -> Response[Endpoint | Problem]:
    """Create an endpoint

    Args:
        body (EndpointCreate): A new endpoint. Omitted settings take the defaults shown: in
            particular an endpoint is a GPU
            endpoint (`computeType: GPU`, one GPU per worker) unless it says `computeType: CPU`.
             Example: {'name': 'echo', 'templateId': 'tpl_3f9a1c', 'computeType': 'CPU', 'workersMin':
            0, 'workersMax': 3, 'idleTimeout': 5, 'scalerType': 'QUEUE_DELAY', 'scalerValue': 4}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Endpoint | Problem]
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
    body: EndpointCreate,
) -> Endpoint | Problem | None:
    """Create an endpoint

    Args:
        body (EndpointCreate): A new endpoint. Omitted settings take the defaults shown: in
            particular an endpoint is a GPU
            endpoint (`computeType: GPU`, one GPU per worker) unless it says `computeType: CPU`.
             Example: {'name': 'echo', 'templateId': 'tpl_3f9a1c', 'computeType': 'CPU', 'workersMin':
            0, 'workersMax': 3, 'idleTimeout': 5, 'scalerType': 'QUEUE_DELAY', 'scalerValue': 4}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Endpoint | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: EndpointCreate,
) -> Response[Endpoint | Problem]:
    """Create an endpoint

    Args:
        body (EndpointCreate): A new endpoint. Omitted settings take the defaults shown: in
            particular an endpoint is a GPU
            endpoint (`computeType: GPU`, one GPU per worker) unless it says `computeType: CPU`.
             Example: {'name': 'echo', 'templateId': 'tpl_3f9a1c', 'computeType': 'CPU', 'workersMin':
            0, 'workersMax': 3, 'idleTimeout': 5, 'scalerType': 'QUEUE_DELAY', 'scalerValue': 4}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Endpoint | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: EndpointCreate,
) -> Endpoint | Problem | None:
    """Create an endpoint

    Args:
        body (EndpointCreate): A new endpoint. Omitted settings take the defaults shown: in
            particular an endpoint is a GPU
            endpoint (`computeType: GPU`, one GPU per worker) unless it says `computeType: CPU`.
             Example: {'name': 'echo', 'templateId': 'tpl_3f9a1c', 'computeType': 'CPU', 'workersMin':
            0, 'workersMax': 3, 'idleTimeout': 5, 'scalerType': 'QUEUE_DELAY', 'scalerValue': 4}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Endpoint | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
