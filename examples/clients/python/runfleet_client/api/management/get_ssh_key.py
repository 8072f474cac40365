from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.ssh_key import SshKey
from ...types import Response


def _get_kwargs(
    ssh_key_id: str,
) -> dict[str, Any]:
    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/ssh-keys/{ssh_key_id}".format(
            ssh_key_id=quote(str(ssh_key_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SshKey | None:
    if response.status_code == 200:
        response_200 = SshKey.from_dict(response.json())

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
) -> Response[Problem | SshKey]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    ssh_key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | SshKey]:
    """Get an SSH public key

    Args:
        ssh_key_id (str): An opaque identifier. Example: ep_7k2m9x4q.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SshKey]
    """

    kwargs = _get_kwargs(
        ssh_key_id=ssh_key_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    ssh_key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Problem | SshKey | None:
    """Get an SSH public key

    Args:
        ssh_key_id (str): An opaque identifier. Example: ep_7k2m9x4q.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SshKey
    """

    return sync_detailed(
        ssh_key_id=ssh_key_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    ssh_key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | SshKey]:
    """Get an SSH public key

    Args:
        ssh_key_id (str): An opaque identifier. Example: ep_7k2m9x4q.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SshKey]
    """

    kwargs = _get_kwargs(
        ssh_key_id=ssh_key_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ssh_key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Problem | SshKey | None:
    """Get an SSH public key

    Args:
        ssh_key_id (str): An opaque identifier. Example: ep_7k2m9x4q.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SshKey
    """

    return (
        await asyncio_detailed(
            ssh_key_id=ssh_key_id,
            client=client,
        )
    ).parsed
