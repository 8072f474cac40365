from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_policy import JobPolicy
    from ..models.s3_config import S3Config


T = TypeVar("T", bound="WorkerJob")


@_attrs_define
class WorkerJob:
    """A job as handed to a worker.

    Example:
        {'id': '3c1e0a52-7d8b-4c0e-9f0a-1b2c3d4e5f60-u1', 'input': {'prompt': 'a red fox'}}

    Attributes:
        id (str): An opaque identifier. Example: ep_7k2m9x4q.
        input_ (Any): The job's input.
        webhook (str | Unset): The job's webhook (the control plane delivers it; informational).
        s_3_config (S3Config | Unset): Bucket credentials passed to the worker with the job; never echoed back, and
            `accessSecret` is
            encrypted at rest.
        policy (JobPolicy | Unset): Per-job execution policy.
    """

    id: str
    input_: Any
    webhook: str | Unset = UNSET
    s_3_config: S3Config | Unset = UNSET
    policy: JobPolicy | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        input_ = self.input_

        webhook = self.webhook

        s_3_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.s_3_config, Unset):
            s_3_config = self.s_3_config.to_dict()

        policy: dict[str, Any] | Unset = UNSET
        if not isinstance(self.policy, Unset):
            policy = self.policy.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "input": input_,
            }
        )
        if webhook is not UNSET:
            field_dict["webhook"] = webhook
        if s_3_config is not UNSET:
            field_dict["s3Config"] = s_3_config
        if policy is not UNSET:
            field_dict["policy"] = policy

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_policy import JobPolicy  # noqa: PLC0415
        from ..models.s3_config import S3Config  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        input_ = d.pop("input")

        webhook = d.pop("webhook", UNSET)

        _s_3_config = d.pop("s3Config", UNSET)
        s_3_config: S3Config | Unset
        if isinstance(_s_3_config, Unset):
            s_3_config = UNSET
        else:
            s_3_config = S3Config.from_dict(_s_3_config)

        _policy = d.pop("policy", UNSET)
        policy: JobPolicy | Unset
        if isinstance(_policy, Unset):
            policy = UNSET
        else:
            policy = JobPolicy.from_dict(_policy)

        worker_job = cls(
            id=id,
            input_=input_,
            webhook=webhook,
            s_3_config=s_3_config,
            policy=policy,
        )

        worker_job.additional_properties = d
        return worker_job

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
