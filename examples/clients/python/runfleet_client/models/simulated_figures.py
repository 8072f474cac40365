from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.simulated_figures_settings import SimulatedFiguresSettings


T = TypeVar("T", bound="SimulatedFigures")


@_attrs_define
class SimulatedFigures:
    """What a simulation of the endpoint's history predicts for one configuration.

    Attributes:
        settings (SimulatedFiguresSettings): The settings simulated that differ from the endpoint's (empty for the
            current ones). Example: {'workersMax': 5}.
        p_95_queue_delay_seconds (float | None): 95th percentile of queue delay. Example: 4.2.
        cold_starts (int): Workers launched. Example: 12.
        worker_seconds (float): Worker-seconds billed (standby not included). Example: 3600.
        gpu_seconds (float): GPU-seconds billed (standby not included). Example: 3600.
    """

    settings: SimulatedFiguresSettings
    p_95_queue_delay_seconds: float | None
    cold_starts: int
    worker_seconds: float
    gpu_seconds: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        settings = self.settings.to_dict()

        p_95_queue_delay_seconds: float | None
        p_95_queue_delay_seconds = self.p_95_queue_delay_seconds

        cold_starts = self.cold_starts

        worker_seconds = self.worker_seconds

        gpu_seconds = self.gpu_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "settings": settings,
                "p95QueueDelaySeconds": p_95_queue_delay_seconds,
                "coldStarts": cold_starts,
                "workerSeconds": worker_seconds,
                "gpuSeconds": gpu_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.simulated_figures_settings import (
            SimulatedFiguresSettings,  # noqa: PLC0415
        )

        d = dict(src_dict)
        settings = SimulatedFiguresSettings.from_dict(d.pop("settings"))

        def _parse_p_95_queue_delay_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p_95_queue_delay_seconds = _parse_p_95_queue_delay_seconds(
            d.pop("p95QueueDelaySeconds")
        )

        cold_starts = d.pop("coldStarts")

        worker_seconds = d.pop("workerSeconds")

        gpu_seconds = d.pop("gpuSeconds")

        simulated_figures = cls(
            settings=settings,
            p_95_queue_delay_seconds=p_95_queue_delay_seconds,
            cold_starts=cold_starts,
            worker_seconds=worker_seconds,
            gpu_seconds=gpu_seconds,
        )

        simulated_figures.additional_properties = d
        return simulated_figures

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
