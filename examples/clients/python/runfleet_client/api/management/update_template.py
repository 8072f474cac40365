from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.template import Template
from ...models.template_update import TemplateUpdate
from ...types import Response


def _get_kwargs(
    template_id: str,
    *,
    body: TemplateUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/templates/{template_id}".format(
            template_id=quote(str(template_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | Template | None:
    if response.status_code == 200:
        response_200 = Template.from_dict(response.json())

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
) -> Response[Problem | Template]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    template_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TemplateUpdate,
) -> Response[Problem | Template]:
    """Update a template

     Endpoints using the template roll their workers over to the new version.

    Args:
        template_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (TemplateUpdate): Fields to change; omitted fields keep their value (so none has a
            default here), and the settings
            named in `reset` return to their defaults. A setting may not be both given and reset. The
            fields
            and their limits are those of `TemplateCreate`; the template must still have `imageName`
            or a
            command.
             Example: {'env': {'LOG_LEVEL': 'debug'}, 'reset': ['memoryLimitMb']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Template]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    template_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TemplateUpdate,
) -> Problem | Template | None:
    """Update a template

     Endpoints using the template roll their workers over to the new version.

    Args:
        template_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (TemplateUpdate): Fields to change; omitted fields keep their value (so none has a
            default here), and the settings
            named in `reset` return to their defaults. A setting may not be both given and reset. The
            fields
            and their limits are those of `TemplateCreate`; the template must still have `imageName`
            or a
            command.
             Example: {'env': {'LOG_LEVEL': 'debug'}, 'reset': ['memoryLimitMb']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Template
    """

    return sync_detailed(
        template_id=template_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    template_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TemplateUpdate,
) -> Response[Problem | Template]:
    """Update a template

     Endpoints using the template roll their workers over to the new version.

    Args:
        template_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (TemplateUpdate): Fields to change; omitted fields keep their value (so none has a
            default here), and the settings
            named in `reset` return to their defaults. A setting may not be both given and reset. The
            fields
            and their limits are those of `TemplateCreate`; the template must still have `imageName`
            or a
            command.
             Example: {'env': {'LOG_LEVEL': 'debug'}, 'reset': ['memoryLimitMb']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Template]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    template_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TemplateUpdate,
) -> Problem | Template | None:
    """Update a template

     Endpoints using the template roll their workers over to the new version.

    Args:
        template_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (TemplateUpdate): Fields to change; omitted fields keep their value (so none has a
            default here), and the settings
            named in `reset` return to their defaults. A setting may not be both given and reset. The
            fields
            and their limits are those of `TemplateCreate`; the template must still have `imageName`
            or a
            command.
             Example: {'env': {'LOG_LEVEL': 'debug'}, 'reset': ['memoryLimitMb']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Template
    """

    return (
        await asyncio_detailed(
            template_id=template_id,
            client=client,
            body=body,
        )
    ).parsed
