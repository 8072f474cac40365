from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.audit_action import AuditAction
from ..models.audit_outcome import AuditOutcome
from ..models.audit_transport import AuditTransport
from ..models.driver_kind import DriverKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_actor import AuditActor


T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """One session opened inside a worker.

    Attributes:
        id (str): An opaque identifier. Example: ep_7k2m9x4q.
        action (AuditAction): What was done; a session inside a worker is `worker.exec`, whatever its transport.
            Example: worker.exec.
        actor (AuditActor): Who opened a session.
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        driver (DriverKind): How workers are run. Example: process.
        command (list[str]): What ran (argv), as the driver was asked to run it.
        tty (bool): Whether it ran on a pseudo-terminal.
        transport (AuditTransport): How a session was opened: the exec call, the WebSocket shell, or the SSH gateway.
            Example: http.
        started_at (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        ended_at (datetime.datetime | None): When it ended; null while it runs.
        outcome (AuditOutcome): `running`; `exited` (the command ended by itself); `cancelled` (the client left or a
            timeout
            ended it); `failed` (it could not run, see `error`); `interrupted` (the control plane stopped
            while it ran).
             Example: exited.
        exit_code (int | None): The exit status, once known.
        signal (None | str): The signal that ended it, if one did.
        error (None | str): Why it failed, if it did.
        remote_address (None | str | Unset): The client's address, when known.
    """

    id: str
    action: AuditAction
    actor: AuditActor
    endpoint_id: str
    worker_id: str
    driver: DriverKind
    command: list[str]
    tty: bool
    transport: AuditTransport
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    outcome: AuditOutcome
    exit_code: int | None
    signal: None | str
    error: None | str
    remote_address: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        action = self.action.value

        actor = self.actor.to_dict()

        endpoint_id = self.endpoint_id

        worker_id = self.worker_id

        driver = self.driver.value

        command = self.command

        tty = self.tty

        transport = self.transport.value

        started_at = self.started_at.isoformat()

        ended_at: None | str
        if isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        outcome = self.outcome.value

        exit_code: int | None
        exit_code = self.exit_code

        signal: None | str
        signal = self.signal

        error: None | str
        error = self.error

        remote_address: None | str | Unset
        if isinstance(self.remote_address, Unset):
            remote_address = UNSET
        else:
            remote_address = self.remote_address

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "action": action,
                "actor": actor,
                "endpointId": endpoint_id,
                "workerId": worker_id,
                "driver": driver,
                "command": command,
                "tty": tty,
                "transport": transport,
                "startedAt": started_at,
                "endedAt": ended_at,
                "outcome": outcome,
                "exitCode": exit_code,
                "signal": signal,
                "error": error,
            }
        )
        if remote_address is not UNSET:
            field_dict["remoteAddress"] = remote_address

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_actor import AuditActor  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        action = AuditAction(d.pop("action"))

        actor = AuditActor.from_dict(d.pop("actor"))

        endpoint_id = d.pop("endpointId")

        worker_id = d.pop("workerId")

        driver = DriverKind(d.pop("driver"))

        command = cast(list[str], d.pop("command"))

        tty = d.pop("tty")

        transport = AuditTransport(d.pop("transport"))

        started_at = datetime.datetime.fromisoformat(d.pop("startedAt"))

        def _parse_ended_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_at_type_0 = datetime.datetime.fromisoformat(data)

                return ended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ended_at = _parse_ended_at(d.pop("endedAt"))

        outcome = AuditOutcome(d.pop("outcome"))

        def _parse_exit_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        exit_code = _parse_exit_code(d.pop("exitCode"))

        def _parse_signal(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        signal = _parse_signal(d.pop("signal"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_remote_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        remote_address = _parse_remote_address(d.pop("remoteAddress", UNSET))

        audit_event = cls(
            id=id,
            action=action,
            actor=actor,
            endpoint_id=endpoint_id,
            worker_id=worker_id,
            driver=driver,
            command=command,
            tty=tty,
            transport=transport,
            started_at=started_at,
            ended_at=ended_at,
            outcome=outcome,
            exit_code=exit_code,
            signal=signal,
            error=error,
            remote_address=remote_address,
        )

        audit_event.additional_properties = d
        return audit_event

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
