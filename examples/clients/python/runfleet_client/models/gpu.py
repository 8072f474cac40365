from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.gpu_source import GpuSource

T = TypeVar("T", bound="Gpu")


@_attrs_define
class Gpu:
    """A GPU the control plane may assign.

    Attributes:
        id (str): Device index or UUID as CUDA_VISIBLE_DEVICES takes it. Example: 0.
        type_ (str): The GPU type name. Example: NVIDIA H100 80GB HBM3.
        memory_mb (int | None): Memory in MiB when known. Example: 81559.
        source (GpuSource): How a GPU is known: detected with `nvidia-smi`, or declared in the configuration. Example:
            detected.
        worker_id (None | str): The worker holding it, if any.
    """

    id: str
    type_: str
    memory_mb: int | None
    source: GpuSource
    worker_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_

        memory_mb: int | None
        memory_mb = self.memory_mb

        source = self.source.value

        worker_id: None | str
        worker_id = self.worker_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "memoryMb": memory_mb,
                "source": source,
                "workerId": worker_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        type_ = d.pop("type")

        def _parse_memory_mb(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        memory_mb = _parse_memory_mb(d.pop("memoryMb"))

        source = GpuSource(d.pop("source"))

        def _parse_worker_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        worker_id = _parse_worker_id(d.pop("workerId"))

        gpu = cls(
            id=id,
            type_=type_,
            memory_mb=memory_mb,
            source=source,
            worker_id=worker_id,
        )

        gpu.additional_properties = d
        return gpu

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
