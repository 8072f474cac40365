from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.worker_driver import WorkerDriver
from ..models.worker_status import WorkerStatus

T = TypeVar("T", bound="Worker")


@_attrs_define
class Worker:
    """A worker of an endpoint.

    Attributes:
        id (str): An opaque identifier. Example: ep_7k2m9x4q.
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        status (WorkerStatus): `INITIALIZING` booting until its first job-take; `IDLE` waiting for a job; `RUNNING`
            working on
            jobs; `THROTTLED` waiting for GPU capacity; `UNHEALTHY` crash-looping or failing checks;
            `STANDBY` paused by FlashBoot; `STOPPING` shutting down.
             Example: IDLE.
        driver (WorkerDriver): What runs a worker; `external` for a worker registered by hand. Example: process.
        endpoint_version (int): The endpoint version it runs. Example: 1.
        gpu_ids (list[str]): The GPUs assigned to it. Example: ['0'].
        running_job_ids (list[str]): Jobs it is running. Example: [].
        created_at (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        ready_at (datetime.datetime | None): When it first asked for a job.
        last_seen_at (datetime.datetime | None): When it last called the control plane.
        reason (None | str): Why it is in its status, when that needs saying.
    """

    id: str
    endpoint_id: str
    status: WorkerStatus
    driver: WorkerDriver
    endpoint_version: int
    gpu_ids: list[str]
    running_job_ids: list[str]
    created_at: datetime.datetime
    ready_at: datetime.datetime | None
    last_seen_at: datetime.datetime | None
    reason: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        endpoint_id = self.endpoint_id

        status = self.status.value

        driver = self.driver.value

        endpoint_version = self.endpoint_version

        gpu_ids = self.gpu_ids

        running_job_ids = self.running_job_ids

        created_at = self.created_at.isoformat()

        ready_at: None | str
        if isinstance(self.ready_at, datetime.datetime):
            ready_at = self.ready_at.isoformat()
        else:
            ready_at = self.ready_at

        last_seen_at: None | str
        if isinstance(self.last_seen_at, datetime.datetime):
            last_seen_at = self.last_seen_at.isoformat()
        else:
            last_seen_at = self.last_seen_at

        reason: None | str
        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "endpointId": endpoint_id,
                "status": status,
                "driver": driver,
                "endpointVersion": endpoint_version,
                "gpuIds": gpu_ids,
                "runningJobIds": running_job_ids,
                "createdAt": created_at,
                "readyAt": ready_at,
                "lastSeenAt": last_seen_at,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        endpoint_id = d.pop("endpointId")

        status = WorkerStatus(d.pop("status"))

        driver = WorkerDriver(d.pop("driver"))

        endpoint_version = d.pop("endpointVersion")

        gpu_ids = cast(list[str], d.pop("gpuIds"))

        running_job_ids = cast(list[str], d.pop("runningJobIds"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_ready_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ready_at_type_0 = datetime.datetime.fromisoformat(data)

                return ready_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ready_at = _parse_ready_at(d.pop("readyAt"))

        def _parse_last_seen_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_seen_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_seen_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_seen_at = _parse_last_seen_at(d.pop("lastSeenAt"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        worker = cls(
            id=id,
            endpoint_id=endpoint_id,
            status=status,
            driver=driver,
            endpoint_version=endpoint_version,
            gpu_ids=gpu_ids,
            running_job_ids=running_job_ids,
            created_at=created_at,
            ready_at=ready_at,
            last_seen_at=last_seen_at,
            reason=reason,
        )

        worker.additional_properties = d
        return worker

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
