from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.endpoint_advice import EndpointAdvice
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    *,
    window_seconds: int | Unset = 86400,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["windowSeconds"] = window_seconds

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/endpoints/{endpoint_id}/advice".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EndpointAdvice | Problem | None:
    if response.status_code == 200:
        response_200 = EndpointAdvice.from_dict(response.json())

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
) -> Response[EndpointAdvice | Problem]:
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
    window_seconds: int | Unset = 86400,
) -> Response[EndpointAdvice | Problem]:
    """Autoscaling pitfalls found in an endpoint's recent history

     Checks the endpoint's recent history (retained jobs, usage, scaling events) for the known
    autoscaling pitfalls (workersMax reached while the queue grew, an idle timeout shorter than the gaps
    between bursts, workersMin idle most of the time, workers that boot longer than the idle timeout, a
    GPU type that is never available), each with its evidence and, where a setting would help, the same
    history simulated with the changed setting.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        window_seconds (int | Unset):  Default: 86400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EndpointAdvice | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        window_seconds=window_seconds,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    window_seconds: int | Unset = 86400,
) -> EndpointAdvice | Problem | None:
    """Autoscaling pitfalls found in an endpoint's recent history

     Checks the endpoint's recent history (retained jobs, usage, scaling events) for the known
    autoscaling pitfalls (workersMax reached while the queue grew, an idle timeout shorter than the gaps
    between bursts, workersMin idle most of the time, workers that boot longer than the idle timeout, a
    GPU type that is never available), each with its evidence and, where a setting would help, the same
    history simulated with the changed setting.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        window_seconds (int | Unset):  Default: 86400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EndpointAdvice | Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        window_seconds=window_seconds,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    window_seconds: int | Unset = 86400,
) -> Response[EndpointAdvice | Problem]:
    """Autoscaling pitfalls found in an endpoint's recent history

     Checks the endpoint's recent history (retained jobs, usage, scaling events) for the known
    autoscaling pitfalls (workersMax reached while the queue grew, an idle timeout shorter than the gaps
    between bursts, workersMin idle most of the time, workers that boot longer than the idle timeout, a
    GPU type that is never available), each with its evidence and, where a setting would help, the same
    history simulated with the changed setting.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        window_seconds (int | Unset):  Default: 86400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EndpointAdvice | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        window_seconds=window_seconds,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    window_seconds: int | Unset = 86400,
) -> EndpointAdvice | Problem | None:
    """Autoscaling pitfalls found in an endpoint's recent history

     Checks the endpoint's recent history (retained jobs, usage, scaling events) for the known
    autoscaling pitfalls (workersMax reached while the queue grew, an idle timeout shorter than the gaps
    between bursts, workersMin idle most of the time, workers that boot longer than the idle timeout, a
    GPU type that is never available), each with its evidence and, where a setting would help, the same
    history simulated with the changed setting.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        window_seconds (int | Unset):  Default: 86400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EndpointAdvice | Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            window_seconds=window_seconds,
        )
    ).parsed
