from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.usage_seconds import UsageSeconds


T = TypeVar("T", bound="WorkerUsage")


@_attrs_define
class WorkerUsage:
    """One worker's time over the range.

    Attributes:
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        seconds (UsageSeconds): Seconds spent in each worker state.
        worker_seconds (float): Seconds in every state together. Example: 1154.
        gpu_seconds (float): GPU-seconds held (every state but throttled). Example: 1154.
    """

    worker_id: str
    seconds: UsageSeconds
    worker_seconds: float
    gpu_seconds: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        worker_id = self.worker_id

        seconds = self.seconds.to_dict()

        worker_seconds = self.worker_seconds

        gpu_seconds = self.gpu_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "workerId": worker_id,
                "seconds": seconds,
                "workerSeconds": worker_seconds,
                "gpuSeconds": gpu_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_seconds import UsageSeconds  # noqa: PLC0415

        d = dict(src_dict)
        worker_id = d.pop("workerId")

        seconds = UsageSeconds.from_dict(d.pop("seconds"))

        worker_seconds = d.pop("workerSeconds")

        gpu_seconds = d.pop("gpuSeconds")

        worker_usage = cls(
            worker_id=worker_id,
            seconds=seconds,
            worker_seconds=worker_seconds,
            gpu_seconds=gpu_seconds,
        )

        worker_usage.additional_properties = d
        return worker_usage

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
