from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    endpoint_id: str,
    path: str,
) -> dict[str, Any]:
    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/lb/{endpoint_id}/{path}".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            path=quote(str(path), safe=""),
        ),
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

    if response.status_code == 502:
        response_502 = Problem.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

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
    path: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem]:
    """Route a request to a worker's own HTTP server

     See the path's description. Not validated here; the worker answers.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        path=path,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    path: str,
    *,
    client: AuthenticatedClient | Client,
) -> Problem | None:
    """Route a request to a worker's own HTTP server

     See the path's description. Not validated here; the worker answers.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        path=path,
        client=client,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    path: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem]:
    """Route a request to a worker's own HTTP server

     See the path's description. Not validated here; the worker answers.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        path=path,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    path: str,
    *,
    client: AuthenticatedClient | Client,
) -> Problem | None:
    """Route a request to a worker's own HTTP server

     See the path's description. Not validated here; the worker answers.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            path=path,
            client=client,
        )
    ).parsed
