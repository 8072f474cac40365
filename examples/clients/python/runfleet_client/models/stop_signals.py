from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StopSignals")


@_attrs_define
class StopSignals:
    """Jobs the worker must stop.

    Attributes:
        jobs_to_stop (list[str]): Ids of cancelled or timed-out jobs the worker still runs. Example:
            ['3c1e0a52-7d8b-4c0e-9f0a-1b2c3d4e5f60-u1'].
    """

    jobs_to_stop: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        jobs_to_stop = self.jobs_to_stop

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jobsToStop": jobs_to_stop,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        jobs_to_stop = cast(list[str], d.pop("jobsToStop"))

        stop_signals = cls(
            jobs_to_stop=jobs_to_stop,
        )

        stop_signals.additional_properties = d
        return stop_signals

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
