from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ExecStarted")


@_attrs_define
class ExecStarted:
    """The command runs; its audit event has id `sessionId`.

    Attributes:
        type_ (Literal['started']): The event kind.
        session_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        started_at (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
    """

    type_: Literal["started"]
    session_id: str
    worker_id: str
    started_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        session_id = self.session_id

        worker_id = self.worker_id

        started_at = self.started_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "sessionId": session_id,
                "workerId": worker_id,
                "startedAt": started_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["started"], d.pop("type"))
        if type_ != "started":
            raise ValueError(f"type must match const 'started', got '{type_}'")

        session_id = d.pop("sessionId")

        worker_id = d.pop("workerId")

        started_at = datetime.datetime.fromisoformat(d.pop("startedAt"))

        exec_started = cls(
            type_=type_,
            session_id=session_id,
            worker_id=worker_id,
            started_at=started_at,
        )

        exec_started.additional_properties = d
        return exec_started

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
