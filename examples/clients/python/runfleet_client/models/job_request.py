from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_policy import JobPolicy
    from ..models.s3_config import S3Config


T = TypeVar("T", bound="JobRequest")


@_attrs_define
class JobRequest:
    """A job submission in RunPod's shape.

    Attributes:
        input_ (Any): Anything the handler expects. Example: {'prompt': 'a red fox'}.
        webhook (str | Unset): POSTed the job's final status when it ends. Example:
            http://127.0.0.1:9000/hooks/runfleet.
        webhook_v2 (Any | Unset): Refused with a 400 problem naming this field. RunPod's clients type it, but RunPod has
            not
            published what it delivers there, so it cannot be delivered the same way; use `webhook`, which
            receives the job's final `/status` document.
        policy (JobPolicy | Unset): Per-job execution policy.
        s_3_config (S3Config | Unset): Bucket credentials passed to the worker with the job; never echoed back, and
            `accessSecret` is
            encrypted at rest.
    """

    input_: Any
    webhook: str | Unset = UNSET
    webhook_v2: Any | Unset = UNSET
    policy: JobPolicy | Unset = UNSET
    s_3_config: S3Config | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        input_ = self.input_

        webhook = self.webhook

        webhook_v2 = self.webhook_v2

        policy: dict[str, Any] | Unset = UNSET
        if not isinstance(self.policy, Unset):
            policy = self.policy.to_dict()

        s_3_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.s_3_config, Unset):
            s_3_config = self.s_3_config.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "input": input_,
            }
        )
        if webhook is not UNSET:
            field_dict["webhook"] = webhook
        if webhook_v2 is not UNSET:
            field_dict["webhookV2"] = webhook_v2
        if policy is not UNSET:
            field_dict["policy"] = policy
        if s_3_config is not UNSET:
            field_dict["s3Config"] = s_3_config

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_policy import JobPolicy  # noqa: PLC0415
        from ..models.s3_config import S3Config  # noqa: PLC0415

        d = dict(src_dict)
        input_ = d.pop("input")

        webhook = d.pop("webhook", UNSET)

        webhook_v2 = d.pop("webhookV2", UNSET)

        _policy = d.pop("policy", UNSET)
        policy: JobPolicy | Unset
        if isinstance(_policy, Unset):
            policy = UNSET
        else:
            policy = JobPolicy.from_dict(_policy)

        _s_3_config = d.pop("s3Config", UNSET)
        s_3_config: S3Config | Unset
        if isinstance(_s_3_config, Unset):
            s_3_config = UNSET
        else:
            s_3_config = S3Config.from_dict(_s_3_config)

        job_request = cls(
            input_=input_,
            webhook=webhook,
            webhook_v2=webhook_v2,
            policy=policy,
            s_3_config=s_3_config,
        )

        return job_request
