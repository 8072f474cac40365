from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EndpointWorkerCounts")


@_attrs_define
class EndpointWorkerCounts:
    """Worker counts by state.

    Attributes:
        idle (int): Waiting for a job. Example: 1.
        initializing (int): Booting. Example: 0.
        ready (int): Able to take a job now (idle plus running with spare concurrency). Example: 1.
        running (int): Working on jobs. Example: 2.
        throttled (int): Waiting for GPU capacity. Example: 0.
        unhealthy (int): Crash-looping or failing checks. Example: 0.
    """

    idle: int
    initializing: int
    ready: int
    running: int
    throttled: int
    unhealthy: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        idle = self.idle

        initializing = self.initializing

        ready = self.ready

        running = self.running

        throttled = self.throttled

        unhealthy = self.unhealthy

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "idle": idle,
                "initializing": initializing,
                "ready": ready,
                "running": running,
                "throttled": throttled,
                "unhealthy": unhealthy,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        idle = d.pop("idle")

        initializing = d.pop("initializing")

        ready = d.pop("ready")

        running = d.pop("running")

        throttled = d.pop("throttled")

        unhealthy = d.pop("unhealthy")

        endpoint_worker_counts = cls(
            idle=idle,
            initializing=initializing,
            ready=ready,
            running=running,
            throttled=throttled,
            unhealthy=unhealthy,
        )

        endpoint_worker_counts.additional_properties = d
        return endpoint_worker_counts

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
