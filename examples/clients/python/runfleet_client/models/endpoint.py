from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.compute_type import ComputeType
from ..models.driver_kind import DriverKind
from ..models.endpoint_type import EndpointType
from ..models.scaler_type import ScalerType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.env_map import EnvMap
    from ..models.redacted_env_map import RedactedEnvMap


T = TypeVar("T", bound="Endpoint")


@_attrs_define
class Endpoint:
    """An endpoint with its effective settings.

    Attributes:
        id (str): An opaque identifier. Example: ep_7k2m9x4q.
        name (str): The endpoint's name. Example: echo.
        template_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        type_ (EndpointType): `QUEUE`: jobs are queued and taken by handler workers (`/v2/{endpointId}/run`, ...).
            `LOAD_BALANCER`: requests to `/lb/{endpointId}/...` are proxied straight to the workers' own HTTP
            servers (given `PORT` and `PORT_HEALTH`, health from `GET /ping`), with no queue; `scalerType
            REQUEST_COUNT` then counts concurrent requests per worker. An endpoint created without it is a
            `QUEUE` endpoint.
             Example: QUEUE.
        compute_type (ComputeType): Whether workers need GPUs. An endpoint created without it is a `GPU` endpoint, whose
            workers wait
            (`THROTTLED`, with the reason) until the GPUs they need are free; use `CPU` for CPU-only workers.
             Example: GPU.
        gpu_type_ids (list[str]): Acceptable GPU types in priority order. Example: [].
        gpu_count (int): GPUs per worker. Example: 1.
        workers_min (int): Workers kept warm. Example: 0.
        workers_max (int): Most workers at once. Example: 3.
        idle_timeout (int): Idle seconds before scale-down. Example: 5.
        scaler_type (ScalerType): `QUEUE_DELAY`: start one worker when jobs wait and none runs, then add workers while
            the oldest job
            has waited more than `scalerValue` seconds. `REQUEST_COUNT`: keep
            `ceil((queued + in progress) / scalerValue)` workers. An endpoint created without it uses `QUEUE_DELAY`.
             Example: QUEUE_DELAY.
        scaler_value (int): The scaler's threshold. Example: 4.
        execution_timeout_ms (int): Default execution timeout. Example: 600000.
        flashboot (bool): Whether FlashBoot standbys are kept. Example: False.
        env (EnvMap): Environment variables given to workers. Example: {'MODEL_NAME': 'llama-3-8b'}.
        secret_env (RedactedEnvMap): The names of the secret environment variables, each with the value `********`.
            Example: {'HF_TOKEN': '********'}.
        driver (DriverKind | None): The driver override, or null for the control plane's default.
        version (int): Bumped whenever the template or env changes; workers of older versions roll over. Example: 1.
        created_at (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        updated_at (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        reason (str | Unset): Present while the endpoint's workers cannot run: why (an image that cannot be pulled, a
            worker
            that cannot be started, a crash loop), as its queued jobs also say. Starts are retried with
            back-off meanwhile.
             Example: the endpoint's workers cannot be started, retrying with back-off: image 127.0.0.1:5000/acme/worker:1
            cannot be pulled from 127.0.0.1:5000 as ci: manifest unknown.
    """

    id: str
    name: str
    template_id: str
    type_: EndpointType
    compute_type: ComputeType
    gpu_type_ids: list[str]
    gpu_count: int
    workers_min: int
    workers_max: int
    idle_timeout: int
    scaler_type: ScalerType
    scaler_value: int
    execution_timeout_ms: int
    flashboot: bool
    env: EnvMap
    secret_env: RedactedEnvMap
    driver: DriverKind | None
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    reason: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        template_id = self.template_id

        type_ = self.type_.value

        compute_type = self.compute_type.value

        gpu_type_ids = self.gpu_type_ids

        gpu_count = self.gpu_count

        workers_min = self.workers_min

        workers_max = self.workers_max

        idle_timeout = self.idle_timeout

        scaler_type = self.scaler_type.value

        scaler_value = self.scaler_value

        execution_timeout_ms = self.execution_timeout_ms

        flashboot = self.flashboot

        env = self.env.to_dict()

        secret_env = self.secret_env.to_dict()

        driver: None | str
        if isinstance(self.driver, DriverKind):
            driver = self.driver.value
        else:
            driver = self.driver

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "templateId": template_id,
                "type": type_,
                "computeType": compute_type,
                "gpuTypeIds": gpu_type_ids,
                "gpuCount": gpu_count,
                "workersMin": workers_min,
                "workersMax": workers_max,
                "idleTimeout": idle_timeout,
                "scalerType": scaler_type,
                "scalerValue": scaler_value,
                "executionTimeoutMs": execution_timeout_ms,
                "flashboot": flashboot,
                "env": env,
                "secretEnv": secret_env,
                "driver": driver,
                "version": version,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.env_map import EnvMap  # noqa: PLC0415
        from ..models.redacted_env_map import RedactedEnvMap  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        template_id = d.pop("templateId")

        type_ = EndpointType(d.pop("type"))

        compute_type = ComputeType(d.pop("computeType"))

        gpu_type_ids = cast(list[str], d.pop("gpuTypeIds"))

        gpu_count = d.pop("gpuCount")

        workers_min = d.pop("workersMin")

        workers_max = d.pop("workersMax")

        idle_timeout = d.pop("idleTimeout")

        scaler_type = ScalerType(d.pop("scalerType"))

        scaler_value = d.pop("scalerValue")

        execution_timeout_ms = d.pop("executionTimeoutMs")

        flashboot = d.pop("flashboot")

        env = EnvMap.from_dict(d.pop("env"))

        secret_env = RedactedEnvMap.from_dict(d.pop("secretEnv"))

        def _parse_driver(data: object) -> DriverKind | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                driver_type_0 = DriverKind(data)

                return driver_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DriverKind | None, data)

        driver = _parse_driver(d.pop("driver"))

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        reason = d.pop("reason", UNSET)

        endpoint = cls(
            id=id,
            name=name,
            template_id=template_id,
            type_=type_,
            compute_type=compute_type,
            gpu_type_ids=gpu_type_ids,
            gpu_count=gpu_count,
            workers_min=workers_min,
            workers_max=workers_max,
            idle_timeout=idle_timeout,
            scaler_type=scaler_type,
            scaler_value=scaler_value,
            execution_timeout_ms=execution_timeout_ms,
            flashboot=flashboot,
            env=env,
            secret_env=secret_env,
            driver=driver,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
            reason=reason,
        )

        endpoint.additional_properties = d
        return endpoint

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
