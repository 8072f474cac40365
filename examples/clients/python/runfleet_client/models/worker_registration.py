from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.worker import Worker
    from ..models.worker_registration_env import WorkerRegistrationEnv


T = TypeVar("T", bound="WorkerRegistration")


@_attrs_define
class WorkerRegistration:
    """A registered external worker with its credentials.

    Attributes:
        worker (Worker): A worker of an endpoint.
        token (str): The worker's secret token (`RUNPOD_AI_API_KEY`); shown only here. Example:
            rfw_Yc1b2ZQ8vVq0mWn5tLr7pHs4dJf6.
        env (WorkerRegistrationEnv): The environment to start the worker with (RunPod and Runfleet variables). Example:
            {'RUNPOD_WEBHOOK_GET_JOB': 'http://127.0.0.1:8080/v2/ep_7k2m9x4q/job-take/wk_9d2f?gpu=none', 'RUNPOD_POD_ID':
            'wk_9d2f'}.
    """

    worker: Worker
    token: str
    env: WorkerRegistrationEnv
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        worker = self.worker.to_dict()

        token = self.token

        env = self.env.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "worker": worker,
                "token": token,
                "env": env,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.worker import Worker  # noqa: PLC0415
        from ..models.worker_registration_env import (
            WorkerRegistrationEnv,  # noqa: PLC0415
        )

        d = dict(src_dict)
        worker = Worker.from_dict(d.pop("worker"))

        token = d.pop("token")

        env = WorkerRegistrationEnv.from_dict(d.pop("env"))

        worker_registration = cls(
            worker=worker,
            token=token,
            env=env,
        )

        worker_registration.additional_properties = d
        return worker_registration

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
