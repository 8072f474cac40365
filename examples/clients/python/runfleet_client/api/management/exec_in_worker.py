from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.exec_request import ExecRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    endpoint_id: str,
    worker_id: str,
    *,
    body: ExecRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/endpoints/{endpoint_id}/workers/{worker_id}/exec".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            worker_id=quote(str(worker_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | None:
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
) -> Response[Problem]:
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
    body: ExecRequest,
) -> Response[Problem]:
    """Run a command inside a worker

     Runs `command` in the worker's context and streams what it writes, then its exit code, as
    newline-delimited JSON (one `ExecEvent` a line: `started`, then `stdout`/`stderr` chunks as they
    come, then one `exit`, or `error` when the session failed after it started). Output bytes are
    base64 so that binary output survives.

    * **docker**: the engine's exec in the worker's container (its environment, working directory and
      user).
    * **process**: a child process in the worker's working directory with the worker's environment
      (secrets included). It runs as the control plane's user on the control plane's host: **it is not
      isolated from the host** (see docs/debugging.md).
    * **external** workers (run by your own supervisor) cannot be entered: 409.

    A client that hangs up ends the command (SIGTERM, then SIGKILL). Admin keys only; every session is
    recorded as an audit event (`GET /v1/audit-events`).

    An interactive session (a terminal, resize, stdin) is a WebSocket on the same path: see
    `openWorkerShell`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (ExecRequest): A command to run inside a worker.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        body=body,
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
    body: ExecRequest,
) -> Problem | None:
    """Run a command inside a worker

     Runs `command` in the worker's context and streams what it writes, then its exit code, as
    newline-delimited JSON (one `ExecEvent` a line: `started`, then `stdout`/`stderr` chunks as they
    come, then one `exit`, or `error` when the session failed after it started). Output bytes are
    base64 so that binary output survives.

    * **docker**: the engine's exec in the worker's container (its environment, working directory and
      user).
    * **process**: a child process in the worker's working directory with the worker's environment
      (secrets included). It runs as the control plane's user on the control plane's host: **it is not
      isolated from the host** (see docs/debugging.md).
    * **external** workers (run by your own supervisor) cannot be entered: 409.

    A client that hangs up ends the command (SIGTERM, then SIGKILL). Admin keys only; every session is
    recorded as an audit event (`GET /v1/audit-events`).

    An interactive session (a terminal, resize, stdin) is a WebSocket on the same path: see
    `openWorkerShell`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (ExecRequest): A command to run inside a worker.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ExecRequest,
) -> Response[Problem]:
    """Run a command inside a worker

     Runs `command` in the worker's context and streams what it writes, then its exit code, as
    newline-delimited JSON (one `ExecEvent` a line: `started`, then `stdout`/`stderr` chunks as they
    come, then one `exit`, or `error` when the session failed after it started). Output bytes are
    base64 so that binary output survives.

    * **docker**: the engine's exec in the worker's container (its environment, working directory and
      user).
    * **process**: a child process in the worker's working directory with the worker's environment
      (secrets included). It runs as the control plane's user on the control plane's host: **it is not
      isolated from the host** (see docs/debugging.md).
    * **external** workers (run by your own supervisor) cannot be entered: 409.

    A client that hangs up ends the command (SIGTERM, then SIGKILL). Admin keys only; every session is
    recorded as an audit event (`GET /v1/audit-events`).

    An interactive session (a terminal, resize, stdin) is a WebSocket on the same path: see
    `openWorkerShell`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (ExecRequest): A command to run inside a worker.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        worker_id=worker_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ExecRequest,
) -> Problem | None:
    """Run a command inside a worker

     Runs `command` in the worker's context and streams what it writes, then its exit code, as
    newline-delimited JSON (one `ExecEvent` a line: `started`, then `stdout`/`stderr` chunks as they
    come, then one `exit`, or `error` when the session failed after it started). Output bytes are
    base64 so that binary output survives.

    * **docker**: the engine's exec in the worker's container (its environment, working directory and
      user).
    * **process**: a child process in the worker's working directory with the worker's environment
      (secrets included). It runs as the control plane's user on the control plane's host: **it is not
      isolated from the host** (see docs/debugging.md).
    * **external** workers (run by your own supervisor) cannot be entered: 409.

    A client that hangs up ends the command (SIGTERM, then SIGKILL). Admin keys only; every session is
    recorded as an audit event (`GET /v1/audit-events`).

    An interactive session (a terminal, resize, stdin) is a WebSocket on the same path: see
    `openWorkerShell`.

    Args:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        body (ExecRequest): A command to run inside a worker.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            worker_id=worker_id,
            client=client,
            body=body,
        )
    ).parsed
