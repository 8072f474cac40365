from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    worker_id: str,
    *,
    tail: int | Unset = 100,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["tail"] = tail

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/endpoints/{endpoint_id}/workers/{worker_id}/logs/stream".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            worker_id=quote(str(worker_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | None:
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
) -> Response[Problem]:
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
    client: AuthenticatedClient | Client,
    tail: int | Unset = 100,
) -> Response[Problem]:
    """Follow a worker's log lines as it writes them

     Sends the latest `tail` lines, then every new line as the worker writes it, as newline-delimited
    JSON (one `WorkerLogLine` a line). The answer ends when the worker has ended and its last lines are
    sent, or when the client hangs up. An external worker (run by your own supervisor) has no captured
    output: its answer ends at once.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        tail (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        tail=tail,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient | Client,
    tail: int | Unset = 100,
) -> Problem | None:
    """Follow a worker's log lines as it writes them

     Sends the latest `tail` lines, then every new line as the worker writes it, as newline-delimited
    JSON (one `WorkerLogLine` a line). The answer ends when the worker has ended and its last lines are
    sent, or when the client hangs up. An external worker (run by your own supervisor) has no captured
    output: its answer ends at once.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        tail (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        client=client,
        tail=tail,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient | Client,
    tail: int | Unset = 100,
) -> Response[Problem]:
    """Follow a worker's log lines as it writes them

     Sends the latest `tail` lines, then every new line as the worker writes it, as newline-delimited
    JSON (one `WorkerLogLine` a line). The answer ends when the worker has ended and its last lines are
    sent, or when the client hangs up. An external worker (run by your own supervisor) has no captured
    output: its answer ends at once.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        tail (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        tail=tail,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient | Client,
    tail: int | Unset = 100,
) -> Problem | None:
    """Follow a worker's log lines as it writes them

     Sends the latest `tail` lines, then every new line as the worker writes it, as newline-delimited
    JSON (one `WorkerLogLine` a line). The answer ends when the worker has ended and its last lines are
    sent, or when the client hangs up. An external worker (run by your own supervisor) has no captured
    output: its answer ends at once.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        tail (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            worker_id=worker_id,
            client=client,
            tail=tail,
        )
    ).parsed
