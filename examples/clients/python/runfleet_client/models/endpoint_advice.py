from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.advisory import Advisory


T = TypeVar("T", bound="EndpointAdvice")


@_attrs_define
class EndpointAdvice:
    """The advisories for an endpoint.

    Attributes:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        from_ (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        to (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        jobs (int): Jobs of the history the simulations replayed. Example: 420.
        cold_start_ms (float | None): Median measured cold start (launch to first job request) used by the simulations.
            Example: 4200.
        advisories (list[Advisory]):
    """

    endpoint_id: str
    from_: datetime.datetime
    to: datetime.datetime
    jobs: int
    cold_start_ms: float | None
    advisories: list[Advisory]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        endpoint_id = self.endpoint_id

        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        jobs = self.jobs

        cold_start_ms: float | None
        cold_start_ms = self.cold_start_ms

        advisories = []
        for advisories_item_data in self.advisories:
            advisories_item = advisories_item_data.to_dict()
            advisories.append(advisories_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "endpointId": endpoint_id,
                "from": from_,
                "to": to,
                "jobs": jobs,
                "coldStartMs": cold_start_ms,
                "advisories": advisories,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.advisory import Advisory  # noqa: PLC0415

        d = dict(src_dict)
        endpoint_id = d.pop("endpointId")

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        jobs = d.pop("jobs")

        def _parse_cold_start_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        cold_start_ms = _parse_cold_start_ms(d.pop("coldStartMs"))

        advisories = []
        _advisories = d.pop("advisories")
        for advisories_item_data in _advisories:
            advisories_item = Advisory.from_dict(advisories_item_data)

            advisories.append(advisories_item)

        endpoint_advice = cls(
            endpoint_id=endpoint_id,
            from_=from_,
            to=to,
            jobs=jobs,
            cold_start_ms=cold_start_ms,
            advisories=advisories,
        )

        endpoint_advice.additional_properties = d
        return endpoint_advice

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
