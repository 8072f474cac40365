from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EndpointJobCounts")


@_attrs_define
class EndpointJobCounts:
    """Job counts.

    Attributes:
        completed (int): Completed jobs still retained. Example: 10.
        failed (int): Failed or timed-out jobs still retained. Example: 1.
        in_progress (int): Jobs being run. Example: 2.
        in_queue (int): Jobs waiting. Example: 3.
        retried (int): Retained jobs that were retried at least once. Example: 0.
    """

    completed: int
    failed: int
    in_progress: int
    in_queue: int
    retried: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        completed = self.completed

        failed = self.failed

        in_progress = self.in_progress

        in_queue = self.in_queue

        retried = self.retried

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "completed": completed,
                "failed": failed,
                "inProgress": in_progress,
                "inQueue": in_queue,
                "retried": retried,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        completed = d.pop("completed")

        failed = d.pop("failed")

        in_progress = d.pop("inProgress")

        in_queue = d.pop("inQueue")

        retried = d.pop("retried")

        endpoint_job_counts = cls(
            completed=completed,
            failed=failed,
            in_progress=in_progress,
            in_queue=in_queue,
            retried=retried,
        )

        endpoint_job_counts.additional_properties = d
        return endpoint_job_counts

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
