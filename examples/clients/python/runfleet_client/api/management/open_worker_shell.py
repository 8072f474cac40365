from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    worker_id: str,
    *,
    command: str | Unset = UNSET,
    cols: int | Unset = 80,
    rows: int | Unset = 24,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["command"] = command

    params["cols"] = cols

    params["rows"] = rows

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/endpoints/{endpoint_id}/workers/{worker_id}/exec".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            worker_id=quote(str(worker_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | None:
    if response.status_code == 101:
        response_101 = cast(Any, None)
        return response_101

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

    if response.status_code == 426:
        response_426 = Problem.from_dict(response.json())

        return response_426

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient | Client,
    command: str | Unset = UNSET,
    cols: int | Unset = 80,
    rows: int | Unset = 24,
) -> Response[Any | Problem]:
    """An interactive terminal in a worker (WebSocket)

     A WebSocket (RFC 6455) upgrade: send `Connection: Upgrade`, `Upgrade: websocket` and the API key
    in `Authorization`; a browser, which cannot set that header, offers the subprotocols
    `runfleet.shell.v1` and `runfleet.bearer.<key>` instead (the answer selects `runfleet.shell.v1`).
    The session runs `command` (through `/bin/sh -c`), or the worker's shell
    (`bash` where present, else `sh`), on a pseudo-terminal of `cols` × `rows`.

    Messages:

    * client → server, **binary**: bytes typed on the terminal (Ctrl-D on an empty line ends a shell).
    * client → server, **text**: JSON control messages, `{"type":"resize","cols":120,"rows":40}`.
    * server → client, **binary**: what the terminal shows.
    * server → client, **text**: JSON, first `{"type":"started","sessionId":"…"}`, last
      `{"type":"exit","exitCode":0,"signal":null}` (or `{"type":"error","message":"…"}`); then the
      server closes the socket (code 1000).

    Closing the socket ends the session. A plain GET without the upgrade headers is answered 426.
    Admin keys only; every session is an audit event. `runfleet workers shell` is a client of this.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        command (str | Unset):
        cols (int | Unset):  Default: 80.
        rows (int | Unset):  Default: 24.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        command=command,
        cols=cols,
        rows=rows,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient | Client,
    command: str | Unset = UNSET,
    cols: int | Unset = 80,
    rows: int | Unset = 24,
) -> Any | Problem | None:
    """An interactive terminal in a worker (WebSocket)

     A WebSocket (RFC 6455) upgrade: send `Connection: Upgrade`, `Upgrade: websocket` and the API key
    in `Authorization`; a browser, which cannot set that header, offers the subprotocols
    `runfleet.shell.v1` and `runfleet.bearer.<key>` instead (the answer selects `runfleet.shell.v1`).
    The session runs `command` (through `/bin/sh -c`), or the worker's shell
    (`bash` where present, else `sh`), on a pseudo-terminal of `cols` × `rows`.

    Messages:

    * client → server, **binary**: bytes typed on the terminal (Ctrl-D on an empty line ends a shell).
    * client → server, **text**: JSON control messages, `{"type":"resize","cols":120,"rows":40}`.
    * server → client, **binary**: what the terminal shows.
    * server → client, **text**: JSON, first `{"type":"started","sessionId":"…"}`, last
      `{"type":"exit","exitCode":0,"signal":null}` (or `{"type":"error","message":"…"}`); then the
      server closes the socket (code 1000).

    Closing the socket ends the session. A plain GET without the upgrade headers is answered 426.
    Admin keys only; every session is an audit event. `runfleet workers shell` is a client of this.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        command (str | Unset):
        cols (int | Unset):  Default: 80.
        rows (int | Unset):  Default: 24.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        client=client,
        command=command,
        cols=cols,
        rows=rows,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient | Client,
    command: str | Unset = UNSET,
    cols: int | Unset = 80,
    rows: int | Unset = 24,
) -> Response[Any | Problem]:
    """An interactive terminal in a worker (WebSocket)

     A WebSocket (RFC 6455) upgrade: send `Connection: Upgrade`, `Upgrade: websocket` and the API key
    in `Authorization`; a browser, which cannot set that header, offers the subprotocols
    `runfleet.shell.v1` and `runfleet.bearer.<key>` instead (the answer selects `runfleet.shell.v1`).
    The session runs `command` (through `/bin/sh -c`), or the worker's shell
    (`bash` where present, else `sh`), on a pseudo-terminal of `cols` × `rows`.

    Messages:

    * client → server, **binary**: bytes typed on the terminal (Ctrl-D on an empty line ends a shell).
    * client → server, **text**: JSON control messages, `{"type":"resize","cols":120,"rows":40}`.
    * server → client, **binary**: what the terminal shows.
    * server → client, **text**: JSON, first `{"type":"started","sessionId":"…"}`, last
      `{"type":"exit","exitCode":0,"signal":null}` (or `{"type":"error","message":"…"}`); then the
      server closes the socket (code 1000).

    Closing the socket ends the session. A plain GET without the upgrade headers is answered 426.
    Admin keys only; every session is an audit event. `runfleet workers shell` is a client of this.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        command (str | Unset):
        cols (int | Unset):  Default: 80.
        rows (int | Unset):  Default: 24.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        command=command,
        cols=cols,
        rows=rows,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient | Client,
    command: str | Unset = UNSET,
    cols: int | Unset = 80,
    rows: int | Unset = 24,
) -> Any | Problem | None:
    """An interactive terminal in a worker (WebSocket)

     A WebSocket (RFC 6455) upgrade: send `Connection: Upgrade`, `Upgrade: websocket` and the API key
    in `Authorization`; a browser, which cannot set that header, offers the subprotocols
    `runfleet.shell.v1` and `runfleet.bearer.<key>` instead (the answer selects `runfleet.shell.v1`).
    The session runs `command` (through `/bin/sh -c`), or the worker's shell
    (`bash` where present, else `sh`), on a pseudo-terminal of `cols` × `rows`.

    Messages:

    * client → server, **binary**: bytes typed on the terminal (Ctrl-D on an empty line ends a shell).
    * client → server, **text**: JSON control messages, `{"type":"resize","cols":120,"rows":40}`.
    * server → client, **binary**: what the terminal shows.
    * server → client, **text**: JSON, first `{"type":"started","sessionId":"…"}`, last
      `{"type":"exit","exitCode":0,"signal":null}` (or `{"type":"error","message":"…"}`); then the
      server closes the socket (code 1000).

    Closing the socket ends the session. A plain GET without the upgrade headers is answered 426.
    Admin keys only; every session is an audit event. `runfleet workers shell` is a client of this.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        command (str | Unset):
        cols (int | Unset):  Default: 80.
        rows (int | Unset):  Default: 24.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            worker_id=worker_id,
            client=client,
            command=command,
            cols=cols,
            rows=rows,
        )
    ).parsed
