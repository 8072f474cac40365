from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.registry_auth import RegistryAuth
from ...models.registry_auth_update import RegistryAuthUpdate
from ...types import Response


def _get_kwargs(
    registry_auth_id: str,
    *,
    body: RegistryAuthUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/registry-auths/{registry_auth_id}".format(
            registry_auth_id=quote(str(registry_auth_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RegistryAuth | None:
    if response.status_code == 200:
        response_200 = RegistryAuth.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | RegistryAuth]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    registry_auth_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RegistryAuthUpdate,
) -> Response[Problem | RegistryAuth]:
    """Change container registry credentials

     The next image pull of a template naming them uses the new ones.

    Args:
        registry_auth_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (RegistryAuthUpdate): Fields to change; omitted fields keep their value.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RegistryAuth]
    """

    kwargs = _get_kwargs(
        registry_auth_id=registry_auth_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    registry_auth_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RegistryAuthUpdate,
) -> Problem | RegistryAuth | None:
    """Change container registry credentials

     The next image pull of a template naming them uses the new ones.

    Args:
        registry_auth_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (RegistryAuthUpdate): Fields to change; omitted fields keep their value.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RegistryAuth
    """

    return sync_detailed(
        registry_auth_id=registry_auth_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    registry_auth_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RegistryAuthUpdate,
) -> Response[Problem | RegistryAuth]:
    """Change container registry credentials

     The next image pull of a template naming them uses the new ones.

    Args:
        registry_auth_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (RegistryAuthUpdate): Fields to change; omitted fields keep their value.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RegistryAuth]
    """

    kwargs = _get_kwargs(
        registry_auth_id=registry_auth_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    registry_auth_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RegistryAuthUpdate,
) -> Problem | RegistryAuth | None:
    """Change container registry credentials

     The next image pull of a template naming them uses the new ones.

    Args:
        registry_auth_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (RegistryAuthUpdate): Fields to change; omitted fields keep their value.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RegistryAuth
    """

    return (
        await asyncio_detailed(
            registry_auth_id=registry_auth_id,
            client=client,
            body=body,
        )
    ).parsed
