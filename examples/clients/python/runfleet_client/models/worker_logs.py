from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.worker_log_line import WorkerLogLine


T = TypeVar("T", bound="WorkerLogs")


@_attrs_define
class WorkerLogs:
    """A worker's captured output.

    Attributes:
        worker_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        lines (list[WorkerLogLine]): Lines, oldest first.
    """

    worker_id: str
    lines: list[WorkerLogLine]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        worker_id = self.worker_id

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "workerId": worker_id,
                "lines": lines,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.worker_log_line import WorkerLogLine  # noqa: PLC0415

        d = dict(src_dict)
        worker_id = d.pop("workerId")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = WorkerLogLine.from_dict(lines_item_data)

            lines.append(lines_item)

        worker_logs = cls(
            worker_id=worker_id,
            lines=lines,
        )

        worker_logs.additional_properties = d
        return worker_logs

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
