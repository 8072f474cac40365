from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_status_value import JobStatusValue
from ..types import UNSET, Unset

T = TypeVar("T", bound="JobRecord")


@_attrs_define
class JobRecord:
    """A job as listed by the management API; the fields of `JobStatus` and when and where it ran.

    Attributes:
        id (str): An opaque identifier. Example: ep_7k2m9x4q.
        status (JobStatusValue): A job's state. `COMPLETED`, `FAILED`, `CANCELLED` and `TIMED_OUT` are final. Example:
            IN_QUEUE.
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        created_at (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        low_priority (bool): Whether the job is low priority.
        delay_time (int | Unset): Ms from submission until a worker took the job (cold start included). Example: 120.
        execution_time (int | Unset): Ms the worker spent on the job. Example: 840.
        output (Any | Unset): The result, or the latest progress value while `IN_PROGRESS`.
        error (Any | Unset): Why the job failed; a string (RunPod workers send JSON-encoded text) or an object. Example:
            execution timeout of 600000 ms exceeded.
        retries (int | Unset): Times the job was re-queued after a lost worker or a retry. Example: 0.
        worker_id (str | Unset): The worker that took the job. Example: wk_9d2f.
        reason (str | Unset): Why a queued job is still waiting. Example: waiting for a worker to start.
        started_at (datetime.datetime | None | Unset): When a worker took it.
        completed_at (datetime.datetime | None | Unset): When it ended.
    """

    id: str
    status: JobStatusValue
    endpoint_id: str
    created_at: datetime.datetime
    low_priority: bool
    delay_time: int | Unset = UNSET
    execution_time: int | Unset = UNSET
    output: Any | Unset = UNSET
    error: Any | Unset = UNSET
    retries: int | Unset = UNSET
    worker_id: str | Unset = UNSET
    reason: str | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    completed_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        endpoint_id = self.endpoint_id

        created_at = self.created_at.isoformat()

        low_priority = self.low_priority

        delay_time = self.delay_time

        execution_time = self.execution_time

        output = self.output

        error = self.error

        retries = self.retries

        worker_id = self.worker_id

        reason = self.reason

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "endpointId": endpoint_id,
                "createdAt": created_at,
                "lowPriority": low_priority,
            }
        )
        if delay_time is not UNSET:
            field_dict["delayTime"] = delay_time
        if execution_time is not UNSET:
            field_dict["executionTime"] = execution_time
        if output is not UNSET:
            field_dict["output"] = output
        if error is not UNSET:
            field_dict["error"] = error
        if retries is not UNSET:
            field_dict["retries"] = retries
        if worker_id is not UNSET:
            field_dict["workerId"] = worker_id
        if reason is not UNSET:
            field_dict["reason"] = reason
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at
        if completed_at is not UNSET:
            field_dict["completedAt"] = completed_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        status = JobStatusValue(d.pop("status"))

        endpoint_id = d.pop("endpointId")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        low_priority = d.pop("lowPriority")

        delay_time = d.pop("delayTime", UNSET)

        execution_time = d.pop("executionTime", UNSET)

        output = d.pop("output", UNSET)

        error = d.pop("error", UNSET)

        retries = d.pop("retries", UNSET)

        worker_id = d.pop("workerId", UNSET)

        reason = d.pop("reason", UNSET)

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("startedAt", UNSET))

        def _parse_completed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        completed_at = _parse_completed_at(d.pop("completedAt", UNSET))

        job_record = cls(
            id=id,
            status=status,
            endpoint_id=endpoint_id,
            created_at=created_at,
            low_priority=low_priority,
            delay_time=delay_time,
            execution_time=execution_time,
            output=output,
            error=error,
            retries=retries,
            worker_id=worker_id,
            reason=reason,
            started_at=started_at,
            completed_at=completed_at,
        )

        job_record.additional_properties = d
        return job_record

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
