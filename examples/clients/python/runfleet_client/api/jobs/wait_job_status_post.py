from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.job_status import JobStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    job_id: str,
    *,
    wait: int | Unset = 90000,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["wait"] = wait

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/{endpoint_id}/status-sync/{job_id}".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> JobStatus | Problem | None:
    if response.status_code == 200:
        response_200 = JobStatus.from_dict(response.json())

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
) -> Response[JobStatus | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    wait: int | Unset = 90000,
) -> Response[JobStatus | Problem]:
    """Wait for a job's status (POST form)

     The same as the GET form; RunPod's Go client uses POST.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        wait (int | Unset):  Default: 90000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobStatus | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        job_id=job_id,
        wait=wait,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    wait: int | Unset = 90000,
) -> JobStatus | Problem | None:
    """Wait for a job's status (POST form)

     The same as the GET form; RunPod's Go client uses POST.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        wait (int | Unset):  Default: 90000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobStatus | Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        job_id=job_id,
        client=client,
        wait=wait,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    wait: int | Unset = 90000,
) -> Response[JobStatus | Problem]:
    """Wait for a job's status (POST form)

     The same as the GET form; RunPod's Go client uses POST.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        wait (int | Unset):  Default: 90000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobStatus | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        job_id=job_id,
        wait=wait,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    wait: int | Unset = 90000,
) -> JobStatus | Problem | None:
    """Wait for a job's status (POST form)

     The same as the GET form; RunPod's Go client uses POST.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        wait (int | Unset):  Default: 90000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobStatus | Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            job_id=job_id,
            client=client,
            wait=wait,
        )
    ).parsed
