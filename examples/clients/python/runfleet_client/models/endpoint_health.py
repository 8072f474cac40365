from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.endpoint_job_counts import EndpointJobCounts
    from ..models.endpoint_worker_counts import EndpointWorkerCounts


T = TypeVar("T", bound="EndpointHealth")


@_attrs_define
class EndpointHealth:
    """Job and worker counts in RunPod's shape.

    Attributes:
        jobs (EndpointJobCounts): Job counts.
        workers (EndpointWorkerCounts): Worker counts by state.
    """

    jobs: EndpointJobCounts
    workers: EndpointWorkerCounts
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        jobs = self.jobs.to_dict()

        workers = self.workers.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jobs": jobs,
                "workers": workers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.endpoint_job_counts import EndpointJobCounts  # noqa: PLC0415
        from ..models.endpoint_worker_counts import (
            EndpointWorkerCounts,  # noqa: PLC0415
        )

        d = dict(src_dict)
        jobs = EndpointJobCounts.from_dict(d.pop("jobs"))

        workers = EndpointWorkerCounts.from_dict(d.pop("workers"))

        endpoint_health = cls(
            jobs=jobs,
            workers=workers,
        )

        endpoint_health.additional_properties = d
        return endpoint_health

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
