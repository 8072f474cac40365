from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_status_value import JobStatusValue
from ..types import UNSET, Unset

T = TypeVar("T", bound="JobStatus")


@_attrs_define
class JobStatus:
    """A job in RunPod's status shape, plus why a queued job waits.

    Example:
        {'id': '3c1e0a52-7d8b-4c0e-9f0a-1b2c3d4e5f60-u1', 'status': 'COMPLETED', 'delayTime': 120, 'executionTime': 840,
            'output': {'echo': {'message': 'hi'}}, 'retries': 0, 'workerId': 'wk_9d2f'}

    Attributes:
        id (str): An opaque identifier. Example: ep_7k2m9x4q.
        status (JobStatusValue): A job's state. `COMPLETED`, `FAILED`, `CANCELLED` and `TIMED_OUT` are final. Example:
            IN_QUEUE.
        delay_time (int | Unset): Ms from submission until a worker took the job (cold start included). Example: 120.
        execution_time (int | Unset): Ms the worker spent on the job. Example: 840.
        output (Any | Unset): The result, or the latest progress value while `IN_PROGRESS`.
        error (Any | Unset): Why the job failed; a string (RunPod workers send JSON-encoded text) or an object. Example:
            execution timeout of 600000 ms exceeded.
        retries (int | Unset): Times the job was re-queued after a lost worker or a retry. Example: 0.
        worker_id (str | Unset): The worker that took the job. Example: wk_9d2f.
        reason (str | Unset): Why a queued job is still waiting. Example: waiting for a worker to start.
    """

    id: str
    status: JobStatusValue
    delay_time: int | Unset = UNSET
    execution_time: int | Unset = UNSET
    output: Any | Unset = UNSET
    error: Any | Unset = UNSET
    retries: int | Unset = UNSET
    worker_id: str | Unset = UNSET
    reason: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        delay_time = self.delay_time

        execution_time = self.execution_time

        output = self.output

        error = self.error

        retries = self.retries

        worker_id = self.worker_id

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        status = JobStatusValue(d.pop("status"))

        delay_time = d.pop("delayTime", UNSET)

        execution_time = d.pop("executionTime", UNSET)

        output = d.pop("output", UNSET)

        error = d.pop("error", UNSET)

        retries = d.pop("retries", UNSET)

        worker_id = d.pop("workerId", UNSET)

        reason = d.pop("reason", UNSET)

        job_status = cls(
            id=id,
            status=status,
            delay_time=delay_time,
            execution_time=execution_time,
            output=output,
            error=error,
            retries=retries,
            worker_id=worker_id,
            reason=reason,
        )

        job_status.additional_properties = d
        return job_status

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
