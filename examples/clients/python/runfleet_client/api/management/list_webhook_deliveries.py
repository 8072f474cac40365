from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.webhook_delivery import WebhookDelivery
from ...types import Response


def _get_kwargs(
    endpoint_id: str,
    job_id: str,
) -> dict[str, Any]:
    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/endpoints/{endpoint_id}/jobs/{job_id}/webhook-deliveries".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            job_id=quote(str(job_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[WebhookDelivery] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = WebhookDelivery.from_dict(response_200_item_data)

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | list[WebhookDelivery]]:
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
) -> Response[Problem | list[WebhookDelivery]]:
    """Webhook delivery log of a job

     Every attempt to deliver the job's webhook, oldest first.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[WebhookDelivery]]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        job_id=job_id,
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
) -> Problem | list[WebhookDelivery] | None:
    """Webhook delivery log of a job

     Every attempt to deliver the job's webhook, oldest first.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[WebhookDelivery]
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        job_id=job_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | list[WebhookDelivery]]:
    """Webhook delivery log of a job

     Every attempt to deliver the job's webhook, oldest first.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[WebhookDelivery]]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        job_id=job_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Problem | list[WebhookDelivery] | None:
    """Webhook delivery log of a job

     Every attempt to deliver the job's webhook, oldest first.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[WebhookDelivery]
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            job_id=job_id,
            client=client,
        )
    ).parsed
