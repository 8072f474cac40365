from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.ack import Ack
from ...models.problem import Problem
from ...models.stream_chunk import StreamChunk
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    worker_id: str,
    job_id: str,
    *,
    body: StreamChunk,
    gpu: str | Unset = UNSET,
    is_stream: bool | Unset = False,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["gpu"] = gpu

    params["isStream"] = is_stream

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/{endpoint_id}/job-stream/{worker_id}/{job_id}".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            worker_id=quote(str(worker_id), safe=""),
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Ack | Problem | None:
    if response.status_code == 200:
        response_200 = Ack.from_dict(response.json())

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

    if response.status_code == 507:
        response_507 = Problem.from_dict(response.json())

        return response_507

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Ack | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    worker_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient,
    body: StreamChunk,
    gpu: str | Unset = UNSET,
    is_stream: bool | Unset = False,
) -> Response[Ack | Problem]:
    """Add a streamed chunk

     Send the body as `application/json`. The body is read as JSON whatever the content type says, since
    the runpod Python SDK sends JSON text labelled `application/x-www-form-urlencoded`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):
        is_stream (bool | Unset):  Default: False.
        body (StreamChunk): One streamed value. Example: {'output': {'token': 'Hello'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Ack | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        job_id=job_id,
        body=body,
        gpu=gpu,
        is_stream=is_stream,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    worker_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient,
    body: StreamChunk,
    gpu: str | Unset = UNSET,
    is_stream: bool | Unset = False,
) -> Ack | Problem | None:
    """Add a streamed chunk

     Send the body as `application/json`. The body is read as JSON whatever the content type says, since
    the runpod Python SDK sends JSON text labelled `application/x-www-form-urlencoded`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):
        is_stream (bool | Unset):  Default: False.
        body (StreamChunk): One streamed value. Example: {'output': {'token': 'Hello'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Ack | Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        job_id=job_id,
        client=client,
        body=body,
        gpu=gpu,
        is_stream=is_stream,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    worker_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient,
    body: StreamChunk,
    gpu: str | Unset = UNSET,
    is_stream: bool | Unset = False,
) -> Response[Ack | Problem]:
    """Add a streamed chunk

     Send the body as `application/json`. The body is read as JSON whatever the content type says, since
    the runpod Python SDK sends JSON text labelled `application/x-www-form-urlencoded`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):
        is_stream (bool | Unset):  Default: False.
        body (StreamChunk): One streamed value. Example: {'output': {'token': 'Hello'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Ack | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        job_id=job_id,
        body=body,
        gpu=gpu,
        is_stream=is_stream,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    worker_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient,
    body: StreamChunk,
    gpu: str | Unset = UNSET,
    is_stream: bool | Unset = False,
) -> Ack | Problem | None:
    """Add a streamed chunk

     Send the body as `application/json`. The body is read as JSON whatever the content type says, since
    the runpod Python SDK sends JSON text labelled `application/x-www-form-urlencoded`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        gpu (str | Unset):
        is_stream (bool | Unset):  Default: False.
        body (StreamChunk): One streamed value. Example: {'output': {'token': 'Hello'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Ack | Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            worker_id=worker_id,
            job_id=job_id,
            client=client,
            body=body,
            gpu=gpu,
            is_stream=is_stream,
        )
    ).parsed
