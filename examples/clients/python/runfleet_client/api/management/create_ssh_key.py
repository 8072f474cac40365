from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.ssh_key import SshKey
from ...models.ssh_key_create import SshKeyCreate
from ...types import Response


def _get_kwargs(
    *,
    body: SshKeyCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/ssh-keys",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SshKey | None:
    if response.status_code == 201:
        response_201 = SshKey.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

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
    *,
    client: AuthenticatedClient | Client,
    body: SshKeyCreate,
) -> Response[Problem | SshKey]:
    """Register an SSH public key

     Registers an OpenSSH public key (one line of `~/.ssh/id_ed25519.pub`, `id_ecdsa.pub` or
    `id_rsa.pub`). Its holder may then open a shell in any worker through the SSH gateway:
    `ssh <workerId>@<host> -p <port>`. Admin keys only: a registered key is as powerful as an admin key.

    Args:
        body (SshKeyCreate): An OpenSSH public key to register.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SshKey]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SshKeyCreate,
) -> Problem | SshKey | None:
    """Register an SSH public key

     Registers an OpenSSH public key (one line of `~/.ssh/id_ed25519.pub`, `id_ecdsa.pub` or
    `id_rsa.pub`). Its holder may then open a shell in any worker through the SSH gateway:
    `ssh <workerId>@<host> -p <port>`. Admin keys only: a registered key is as powerful as an admin key.

    Args:
        body (SshKeyCreate): An OpenSSH public key to register.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SshKey
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SshKeyCreate,
) -> Response[Problem | SshKey]:
    """Register an SSH public key

     Registers an OpenSSH public key (one line of `~/.ssh/id_ed25519.pub`, `id_ecdsa.pub` or
    `id_rsa.pub`). Its holder may then open a shell in any worker through the SSH gateway:
    `ssh <workerId>@<host> -p <port>`. Admin keys only: a registered key is as powerful as an admin key.

    Args:
        body (SshKeyCreate): An OpenSSH public key to register.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SshKey]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SshKeyCreate,
) -> Problem | SshKey | None:
    """Register an SSH public key

     Registers an OpenSSH public key (one line of `~/.ssh/id_ed25519.pub`, `id_ecdsa.pub` or
    `id_rsa.pub`). Its holder may then open a shell in any worker through the SSH gateway:
    `ssh <workerId>@<host> -p <port>`. Admin keys only: a registered key is as powerful as an admin key.

    Args:
        body (SshKeyCreate): An OpenSSH public key to register.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SshKey
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
