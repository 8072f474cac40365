import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.endpoint_metrics import EndpointMetrics
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    *,
    window_seconds: int | Unset = 3600,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: int | Unset = UNSET,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["windowSeconds"] = window_seconds

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params["step"] = step

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/endpoints/{endpoint_id}/metrics".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EndpointMetrics | Problem | None:
    if response.status_code == 200:
        response_200 = EndpointMetrics.from_dict(response.json())

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
) -> Response[EndpointMetrics | Problem]:
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
    window_seconds: int | Unset = 3600,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: int | Unset = UNSET,
) -> Response[EndpointMetrics | Problem]:
    """An endpoint's metrics over time

     A range query over the endpoint's stored metric history: one point per `step` seconds between `from`
    and `to`, with summary figures over the whole range. The history is sampled every
    `metricsIntervalMs` (10 s by default) into 10-second buckets and downsampled as it ages: 10 s
    buckets are kept 6 hours, 1 min buckets 48 hours, 10 min buckets 14 days, 1 h buckets 90 days
    (at most 9,216 rows per endpoint). The finest kept resolution that covers `from` answers; a
    `step` finer than it is raised to it, and without `step` the range is cut into about 360 points.
    It survives restarts of the control plane.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        window_seconds (int | Unset):  Default: 3600.
        from_ (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        to (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        step (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EndpointMetrics | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        window_seconds=window_seconds,
        from_=from_,
        to=to,
        step=step,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    window_seconds: int | Unset = 3600,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: int | Unset = UNSET,
) -> EndpointMetrics | Problem | None:
    """An endpoint's metrics over time

     A range query over the endpoint's stored metric history: one point per `step` seconds between `from`
    and `to`, with summary figures over the whole range. The history is sampled every
    `metricsIntervalMs` (10 s by default) into 10-second buckets and downsampled as it ages: 10 s
    buckets are kept 6 hours, 1 min buckets 48 hours, 10 min buckets 14 days, 1 h buckets 90 days
    (at most 9,216 rows per endpoint). The finest kept resolution that covers `from` answers; a
    `step` finer than it is raised to it, and without `step` the range is cut into about 360 points.
    It survives restarts of the control plane.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        window_seconds (int | Unset):  Default: 3600.
        from_ (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        to (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        step (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EndpointMetrics | Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        window_seconds=window_seconds,
        from_=from_,
        to=to,
        step=step,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    window_seconds: int | Unset = 3600,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: int | Unset = UNSET,
) -> Response[EndpointMetrics | Problem]:
    """An endpoint's metrics over time

     A range query over the endpoint's stored metric history: one point per `step` seconds between `from`
    and `to`, with summary figures over the whole range. The history is sampled every
    `metricsIntervalMs` (10 s by default) into 10-second buckets and downsampled as it ages: 10 s
    buckets are kept 6 hours, 1 min buckets 48 hours, 10 min buckets 14 days, 1 h buckets 90 days
    (at most 9,216 rows per endpoint). The finest kept resolution that covers `from` answers; a
    `step` finer than it is raised to it, and without `step` the range is cut into about 360 points.
    It survives restarts of the control plane.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        window_seconds (int | Unset):  Default: 3600.
        from_ (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        to (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        step (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EndpointMetrics | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        window_seconds=window_seconds,
        from_=from_,
        to=to,
        step=step,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    window_seconds: int | Unset = 3600,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: int | Unset = UNSET,
) -> EndpointMetrics | Problem | None:
    """An endpoint's metrics over time

     A range query over the endpoint's stored metric history: one point per `step` seconds between `from`
    and `to`, with summary figures over the whole range. The history is sampled every
    `metricsIntervalMs` (10 s by default) into 10-second buckets and downsampled as it ages: 10 s
    buckets are kept 6 hours, 1 min buckets 48 hours, 10 min buckets 14 days, 1 h buckets 90 days
    (at most 9,216 rows per endpoint). The finest kept resolution that covers `from` answers; a
    `step` finer than it is raised to it, and without `step` the range is cut into about 360 points.
    It survives restarts of the control plane.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        window_seconds (int | Unset):  Default: 3600.
        from_ (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        to (datetime.datetime | Unset): An RFC 3339 instant in UTC. Example:
            2026-11-23T12:00:00.000Z.
        step (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EndpointMetrics | Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            window_seconds=window_seconds,
            from_=from_,
            to=to,
            step=step,
        )
    ).parsed
