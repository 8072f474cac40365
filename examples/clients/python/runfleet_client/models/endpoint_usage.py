from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.usage_seconds import UsageSeconds
    from ..models.worker_usage import WorkerUsage


T = TypeVar("T", bound="EndpointUsage")


@_attrs_define
class EndpointUsage:
    """An endpoint's worker time and GPU time over a range.

    Attributes:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        from_ (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        to (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        bucket_seconds (int): Granularity of the stored usage. Example: 60.
        seconds (UsageSeconds): Seconds spent in each worker state.
        worker_seconds (float): Worker-seconds in every state together. Example: 1154.
        gpu_seconds (float): GPU-seconds held (every state but throttled). Example: 1154.
        workers (list[WorkerUsage]): Per worker, most worker-seconds first.
    """

    endpoint_id: str
    from_: datetime.datetime
    to: datetime.datetime
    bucket_seconds: int
    seconds: UsageSeconds
    worker_seconds: float
    gpu_seconds: float
    workers: list[WorkerUsage]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        endpoint_id = self.endpoint_id

        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        bucket_seconds = self.bucket_seconds

        seconds = self.seconds.to_dict()

        worker_seconds = self.worker_seconds

        gpu_seconds = self.gpu_seconds

        workers = []
        for workers_item_data in self.workers:
            workers_item = workers_item_data.to_dict()
            workers.append(workers_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "endpointId": endpoint_id,
                "from": from_,
                "to": to,
                "bucketSeconds": bucket_seconds,
                "seconds": seconds,
                "workerSeconds": worker_seconds,
                "gpuSeconds": gpu_seconds,
                "workers": workers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_seconds import UsageSeconds  # noqa: PLC0415
        from ..models.worker_usage import WorkerUsage  # noqa: PLC0415

        d = dict(src_dict)
        endpoint_id = d.pop("endpointId")

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        bucket_seconds = d.pop("bucketSeconds")

        seconds = UsageSeconds.from_dict(d.pop("seconds"))

        worker_seconds = d.pop("workerSeconds")

        gpu_seconds = d.pop("gpuSeconds")

        workers = []
        _workers = d.pop("workers")
        for workers_item_data in _workers:
            workers_item = WorkerUsage.from_dict(workers_item_data)

            workers.append(workers_item)

        endpoint_usage = cls(
            endpoint_id=endpoint_id,
            from_=from_,
            to=to,
            bucket_seconds=bucket_seconds,
            seconds=seconds,
            worker_seconds=worker_seconds,
            gpu_seconds=gpu_seconds,
            workers=workers,
        )

        endpoint_usage.additional_properties = d
        return endpoint_usage

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
