from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.scaling_action import ScalingAction

if TYPE_CHECKING:
    from ..models.scaling_event_inputs import ScalingEventInputs


T = TypeVar("T", bound="ScalingEvent")


@_attrs_define
class ScalingEvent:
    """One decision of the autoscaler.

    Attributes:
        id (str): An opaque identifier. Example: ep_7k2m9x4q.
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        at (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        action (ScalingAction): What the autoscaler decided (`disregard_worker`: an external worker that never asked for
            a job
            within the init timeout no longer counts as capacity).
             Example: start_worker.
        worker_id (None | str): The worker acted on, if any. Example: wk_9d2f.
        reason (str): Why, in words. Example: queue has 3 jobs and no worker (scale from zero).
        inputs (ScalingEventInputs): The figures the decision was made from. Example: {'queued': 3, 'inProgress': 0,
            'workers': 0}.
    """

    id: str
    endpoint_id: str
    at: datetime.datetime
    action: ScalingAction
    worker_id: None | str
    reason: str
    inputs: ScalingEventInputs
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        endpoint_id = self.endpoint_id

        at = self.at.isoformat()

        action = self.action.value

        worker_id: None | str
        worker_id = self.worker_id

        reason = self.reason

        inputs = self.inputs.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "endpointId": endpoint_id,
                "at": at,
                "action": action,
                "workerId": worker_id,
                "reason": reason,
                "inputs": inputs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scaling_event_inputs import ScalingEventInputs  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        endpoint_id = d.pop("endpointId")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        action = ScalingAction(d.pop("action"))

        def _parse_worker_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        worker_id = _parse_worker_id(d.pop("workerId"))

        reason = d.pop("reason")

        inputs = ScalingEventInputs.from_dict(d.pop("inputs"))

        scaling_event = cls(
            id=id,
            endpoint_id=endpoint_id,
            at=at,
            action=action,
            worker_id=worker_id,
            reason=reason,
            inputs=inputs,
        )

        scaling_event.additional_properties = d
        return scaling_event

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
