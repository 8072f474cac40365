from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WorkerCreate")


@_attrs_define
class WorkerCreate:
    """An external worker to register.

    Attributes:
        concurrency (int | Unset): Jobs the worker runs at once, for the autoscaler's arithmetic. Default: 1. Example:
            1.
    """

    concurrency: int | Unset = 1

    def to_dict(self) -> dict[str, Any]:
        concurrency = self.concurrency

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if concurrency is not UNSET:
            field_dict["concurrency"] = concurrency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        concurrency = d.pop("concurrency", UNSET)

        worker_create = cls(
            concurrency=concurrency,
        )

        return worker_create
