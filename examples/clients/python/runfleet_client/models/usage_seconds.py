from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageSeconds")


@_attrs_define
class UsageSeconds:
    """Seconds spent in each worker state.

    Attributes:
        initializing (float): Launched, not yet asking for jobs (cold start). Example: 12.5.
        running (float): Running at least one job. Example: 840.
        idle (float): Ready, waiting for a job. Example: 300.
        standby (float): Paused by FlashBoot (GPUs kept until needed elsewhere). Example: 0.
        throttled (float): Waiting for GPUs (holds none). Example: 0.
        stopping (float): Draining before it stops. Example: 1.5.
        unhealthy (float): Reported unhealthy. Example: 0.
    """

    initializing: float
    running: float
    idle: float
    standby: float
    throttled: float
    stopping: float
    unhealthy: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        initializing = self.initializing

        running = self.running

        idle = self.idle

        standby = self.standby

        throttled = self.throttled

        stopping = self.stopping

        unhealthy = self.unhealthy

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "initializing": initializing,
                "running": running,
                "idle": idle,
                "standby": standby,
                "throttled": throttled,
                "stopping": stopping,
                "unhealthy": unhealthy,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        initializing = d.pop("initializing")

        running = d.pop("running")

        idle = d.pop("idle")

        standby = d.pop("standby")

        throttled = d.pop("throttled")

        stopping = d.pop("stopping")

        unhealthy = d.pop("unhealthy")

        usage_seconds = cls(
            initializing=initializing,
            running=running,
            idle=idle,
            standby=standby,
            throttled=throttled,
            stopping=stopping,
            unhealthy=unhealthy,
        )

        usage_seconds.additional_properties = d
        return usage_seconds

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
