from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.job_accepted import JobAccepted
from ...models.job_request import JobRequest
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    *,
    body: JobRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/{endpoint_id}/run".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> JobAccepted | Problem | None:
    if response.status_code == 200:
        response_200 = JobAccepted.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 507:
        response_507 = Problem.from_dict(response.json())

        return response_507

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[JobAccepted | Problem]:
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
    body: JobRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[JobAccepted | Problem]:
    """Queue a job

     The job is stored durably before the answer is sent. Bodies over 10 MB are refused with 413.
    With an `Idempotency-Key`, a second request with the same key and body returns the first job.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        idempotency_key (str | Unset):
        body (JobRequest): A job submission in RunPod's shape.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobAccepted | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JobRequest,
    idempotency_key: str | Unset = UNSET,
) -> JobAccepted | Problem | None:
    """Queue a job

     The job is stored durably before the answer is sent. Bodies over 10 MB are refused with 413.
    With an `Idempotency-Key`, a second request with the same key and body returns the first job.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        idempotency_key (str | Unset):
        body (JobRequest): A job submission in RunPod's shape.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobAccepted | Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JobRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[JobAccepted | Problem]:
    """Queue a job

     The job is stored durably before the answer is sent. Bodies over 10 MB are refused with 413.
    With an `Idempotency-Key`, a second request with the same key and body returns the first job.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        idempotency_key (str | Unset):
        body (JobRequest): A job submission in RunPod's shape.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobAccepted | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JobRequest,
    idempotency_key: str | Unset = UNSET,
) -> JobAccepted | Problem | None:
    """Queue a job

     The job is stored durably before the answer is sent. Bodies over 10 MB are refused with 413.
    With an `Idempotency-Key`, a second request with the same key and body returns the first job.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        idempotency_key (str | Unset):
        body (JobRequest): A job submission in RunPod's shape.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobAccepted | Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
