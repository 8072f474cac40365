from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="JobPolicy")


@_attrs_define
class JobPolicy:
    """Per-job execution policy.

    Attributes:
        execution_timeout (int | Unset): Longest the job may run once taken, in ms; overrides the endpoint's setting.
            Example: 600000.
        ttl (int | Unset): Total lifespan from submission (queue time and execution), in ms; default 24 h. When it runs
            out, a queued job is not run and a running one is stopped on its worker; either ends `TIMED_OUT`
            with the reason in `error`, its webhook is sent, and it answers `/status` for as long as a result
            is kept (30 min for `/run` jobs, 1 min for `/runsync` ones), then is deleted. A retry counts the
            ttl again from the retry.
             Example: 86400000.
        low_priority (bool | Unset): The job does not cause workers to be started. Example: False.
    """

    execution_timeout: int | Unset = UNSET
    ttl: int | Unset = UNSET
    low_priority: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        execution_timeout = self.execution_timeout

        ttl = self.ttl

        low_priority = self.low_priority

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if execution_timeout is not UNSET:
            field_dict["executionTimeout"] = execution_timeout
        if ttl is not UNSET:
            field_dict["ttl"] = ttl
        if low_priority is not UNSET:
            field_dict["lowPriority"] = low_priority

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        execution_timeout = d.pop("executionTimeout", UNSET)

        ttl = d.pop("ttl", UNSET)

        low_priority = d.pop("lowPriority", UNSET)

        job_policy = cls(
            execution_timeout=execution_timeout,
            ttl=ttl,
            low_priority=low_priority,
        )

        return job_policy
