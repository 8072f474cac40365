import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.endpoint_usage import EndpointUsage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    *,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/endpoints/{endpoint_id}/usage".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EndpointUsage | Problem | None:
    if response.status_code == 200:
        response_200 = EndpointUsage.from_dict(response.json())

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
) -> Response[EndpointUsage | Problem]:
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
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
) -> Response[EndpointUsage | Problem]:
    """An endpoint's worker time and GPU time over a range

     Worker-seconds by state (initializing, running, idle, standby, throttled, stopping, unhealthy) and
    GPU-seconds, for the endpoint and for each of its workers, over `[from, to)`. Usage is kept in one-
    minute buckets, so the range is widened to whole minutes; the time a worker spent in a state is
    measured by sampling its status (see the server's `usageSampleMs`).

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        from_ (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        to (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EndpointUsage | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        from_=from_,
        to=to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
) -> EndpointUsage | Problem | None:
    """An endpoint's worker time and GPU time over a range

     Worker-seconds by state (initializing, running, idle, standby, throttled, stopping, unhealthy) and
    GPU-seconds, for the endpoint and for each of its workers, over `[from, to)`. Usage is kept in one-
    minute buckets, so the range is widened to whole minutes; the time a worker spent in a state is
    measured by sampling its status (see the server's `usageSampleMs`).

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        from_ (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        to (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EndpointUsage | Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        from_=from_,
        to=to,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
) -> Response[EndpointUsage | Problem]:
    """An endpoint's worker time and GPU time over a range

     Worker-seconds by state (initializing, running, idle, standby, throttled, stopping, unhealthy) and
    GPU-seconds, for the endpoint and for each of its workers, over `[from, to)`. Usage is kept in one-
    minute buckets, so the range is widened to whole minutes; the time a worker spent in a state is
    measured by sampling its status (see the server's `usageSampleMs`).

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        from_ (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        to (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EndpointUsage | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        from_=from_,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
) -> EndpointUsage | Problem | None:
    """An endpoint's worker time and GPU time over a range

     Worker-seconds by state (initializing, running, idle, standby, throttled, stopping, unhealthy) and
    GPU-seconds, for the endpoint and for each of its workers, over `[from, to)`. Usage is kept in one-
    minute buckets, so the range is widened to whole minutes; the time a worker spent in a state is
    measured by sampling its status (see the server's `usageSampleMs`).

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        from_ (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        to (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EndpointUsage | Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            from_=from_,
            to=to,
        )
    ).parsed
