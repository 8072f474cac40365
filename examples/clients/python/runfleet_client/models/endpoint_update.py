from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.compute_type import ComputeType
from ..models.driver_kind import DriverKind
from ..models.endpoint_type import EndpointType
from ..models.resettable_endpoint_setting import ResettableEndpointSetting
from ..models.scaler_type import ScalerType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.env_map import EnvMap
    from ..models.secret_env_map import SecretEnvMap


T = TypeVar("T", bound="EndpointUpdate")


@_attrs_define
class EndpointUpdate:
    """Settings to change; omitted fields keep their value (so none has a default here), and the settings
    named in `reset` return to their defaults. A setting may not be both given and reset. The fields
    and their limits are those of `EndpointCreate`.

        Example:
            {'workersMax': 5, 'reset': ['flashboot']}

        Attributes:
            name (str | Unset): A human name; need not be unique. Example: echo.
            template_id (str | Unset): An opaque identifier. Example: ep_7k2m9x4q.
            type_ (EndpointType | Unset): `QUEUE`: jobs are queued and taken by handler workers (`/v2/{endpointId}/run`,
                ...).
                `LOAD_BALANCER`: requests to `/lb/{endpointId}/...` are proxied straight to the workers' own HTTP
                servers (given `PORT` and `PORT_HEALTH`, health from `GET /ping`), with no queue; `scalerType
                REQUEST_COUNT` then counts concurrent requests per worker. An endpoint created without it is a
                `QUEUE` endpoint.
                 Example: QUEUE.
            compute_type (ComputeType | Unset): Whether workers need GPUs. An endpoint created without it is a `GPU`
                endpoint, whose workers wait
                (`THROTTLED`, with the reason) until the GPUs they need are free; use `CPU` for CPU-only workers.
                 Example: GPU.
            gpu_type_ids (list[str] | Unset): Acceptable GPU types in priority order. Empty means any type. Example:
                ['NVIDIA H100 80GB HBM3'].
            gpu_count (int | Unset): GPUs per worker (GPU endpoints). Example: 1.
            workers_min (int | Unset): Workers kept running even without jobs. At most `workersMax`. Example: 0.
            workers_max (int | Unset): Most workers at once. At least `workersMin`. Example: 3.
            idle_timeout (int | Unset): Seconds a worker may sit idle before it is stopped. Example: 5.
            scaler_type (ScalerType | Unset): `QUEUE_DELAY`: start one worker when jobs wait and none runs, then add workers
                while the oldest job
                has waited more than `scalerValue` seconds. `REQUEST_COUNT`: keep
                `ceil((queued + in progress) / scalerValue)` workers. An endpoint created without it uses `QUEUE_DELAY`.
                 Example: QUEUE_DELAY.
            scaler_value (int | Unset): Seconds of queue delay (`QUEUE_DELAY`, at most 3600) or jobs per worker
                (`REQUEST_COUNT`).
                 Example: 4.
            execution_timeout_ms (int | Unset): Longest a job may run once taken, in ms, unless its policy says otherwise.
                Example: 600000.
            flashboot (bool | Unset): Keep scaled-down workers as paused standbys that resume in milliseconds. Example:
                True.
            env (EnvMap | Unset): Environment variables given to workers. Example: {'MODEL_NAME': 'llama-3-8b'}.
            secret_env (SecretEnvMap | Unset): Environment variables whose values are secret: given to workers like `env`,
                but write-only
                through the API (shown as `********`), encrypted at rest (AES-256-GCM) and never logged. A name
                may not be in both `env` and `secretEnv`. Setting the map replaces it; a value of `********`
                keeps the value already stored under that name, so a read-modify-write round trip keeps secrets.
                 Example: {'HF_TOKEN': 'hf_abc123'}.
            driver (DriverKind | None | Unset): Overrides the control plane's worker driver for this endpoint. To drop an
                override, send
                `reset: [driver]`; sending null is deprecated, and still read as a reset.
                 Example: docker.
            reset (list[ResettableEndpointSetting] | Unset): Settings to return to their defaults, as if the endpoint had
                been created without them. Example: ['flashboot'].
    """

    name: str | Unset = UNSET
    template_id: str | Unset = UNSET
    type_: EndpointType | Unset = UNSET
    compute_type: ComputeType | Unset = UNSET
    gpu_type_ids: list[str] | Unset = UNSET
    gpu_count: int | Unset = UNSET
    workers_min: int | Unset = UNSET
    workers_max: int | Unset = UNSET
    idle_timeout: int | Unset = UNSET
    scaler_type: ScalerType | Unset = UNSET
    scaler_value: int | Unset = UNSET
    execution_timeout_ms: int | Unset = UNSET
    flashboot: bool | Unset = UNSET
    env: EnvMap | Unset = UNSET
    secret_env: SecretEnvMap | Unset = UNSET
    driver: DriverKind | None | Unset = UNSET
    reset: list[ResettableEndpointSetting] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        template_id = self.template_id

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        compute_type: str | Unset = UNSET
        if not isinstance(self.compute_type, Unset):
            compute_type = self.compute_type.value

        gpu_type_ids: list[str] | Unset = UNSET
        if not isinstance(self.gpu_type_ids, Unset):
            gpu_type_ids = self.gpu_type_ids

        gpu_count = self.gpu_count

        workers_min = self.workers_min

        workers_max = self.workers_max

        idle_timeout = self.idle_timeout

        scaler_type: str | Unset = UNSET
        if not isinstance(self.scaler_type, Unset):
            scaler_type = self.scaler_type.value

        scaler_value = self.scaler_value

        execution_timeout_ms = self.execution_timeout_ms

        flashboot = self.flashboot

        env: dict[str, Any] | Unset = UNSET
        if not isinstance(self.env, Unset):
            env = self.env.to_dict()

        secret_env: dict[str, Any] | Unset = UNSET
        if not isinstance(self.secret_env, Unset):
            secret_env = self.secret_env.to_dict()

        driver: None | str | Unset
        if isinstance(self.driver, Unset):
            driver = UNSET
        elif isinstance(self.driver, DriverKind):
            driver = self.driver.value
        else:
            driver = self.driver

        reset: list[str] | Unset = UNSET
        if not isinstance(self.reset, Unset):
            reset = []
            for reset_item_data in self.reset:
                reset_item = reset_item_data.value
                reset.append(reset_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if template_id is not UNSET:
            field_dict["templateId"] = template_id
        if type_ is not UNSET:
            field_dict["type"] = type_
        if compute_type is not UNSET:
            field_dict["computeType"] = compute_type
        if gpu_type_ids is not UNSET:
            field_dict["gpuTypeIds"] = gpu_type_ids
        if gpu_count is not UNSET:
            field_dict["gpuCount"] = gpu_count
        if workers_min is not UNSET:
            field_dict["workersMin"] = workers_min
        if workers_max is not UNSET:
            field_dict["workersMax"] = workers_max
        if idle_timeout is not UNSET:
            field_dict["idleTimeout"] = idle_timeout
        if scaler_type is not UNSET:
            field_dict["scalerType"] = scaler_type
        if scaler_value is not UNSET:
            field_dict["scalerValue"] = scaler_value
        if execution_timeout_ms is not UNSET:
            field_dict["executionTimeoutMs"] = execution_timeout_ms
        if flashboot is not UNSET:
            field_dict["flashboot"] = flashboot
        if env is not UNSET:
            field_dict["env"] = env
        if secret_env is not UNSET:
            field_dict["secretEnv"] = secret_env
        if driver is not UNSET:
            field_dict["driver"] = driver
        if reset is not UNSET:
            field_dict["reset"] = reset

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.env_map import EnvMap  # noqa: PLC0415
        from ..models.secret_env_map import SecretEnvMap  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        template_id = d.pop("templateId", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: EndpointType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = EndpointType(_type_)

        _compute_type = d.pop("computeType", UNSET)
        compute_type: ComputeType | Unset
        if isinstance(_compute_type, Unset):
            compute_type = UNSET
        else:
            compute_type = ComputeType(_compute_type)

        gpu_type_ids = cast(list[str], d.pop("gpuTypeIds", UNSET))

        gpu_count = d.pop("gpuCount", UNSET)

        workers_min = d.pop("workersMin", UNSET)

        workers_max = d.pop("workersMax", UNSET)

        idle_timeout = d.pop("idleTimeout", UNSET)

        _scaler_type = d.pop("scalerType", UNSET)
        scaler_type: ScalerType | Unset
        if isinstance(_scaler_type, Unset):
            scaler_type = UNSET
        else:
            scaler_type = ScalerType(_scaler_type)

        scaler_value = d.pop("scalerValue", UNSET)

        execution_timeout_ms = d.pop("executionTimeoutMs", UNSET)

        flashboot = d.pop("flashboot", UNSET)

        _env = d.pop("env", UNSET)
        env: EnvMap | Unset
        if isinstance(_env, Unset):
            env = UNSET
        else:
            env = EnvMap.from_dict(_env)

        _secret_env = d.pop("secretEnv", UNSET)
        secret_env: SecretEnvMap | Unset
        if isinstance(_secret_env, Unset):
            secret_env = UNSET
        else:
            secret_env = SecretEnvMap.from_dict(_secret_env)

        def _parse_driver(data: object) -> DriverKind | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                driver_type_0 = DriverKind(data)

                return driver_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DriverKind | None | Unset, data)

        driver = _parse_driver(d.pop("driver", UNSET))

        _reset = d.pop("reset", UNSET)
        reset: list[ResettableEndpointSetting] | Unset = UNSET
        if _reset is not UNSET:
            reset = []
            for reset_item_data in _reset:
                reset_item = ResettableEndpointSetting(reset_item_data)

                reset.append(reset_item)

        endpoint_update = cls(
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
            reset=reset,
        )

        return endpoint_update
