from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.resettable_template_setting import ResettableTemplateSetting
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.env_map import EnvMap
    from ..models.host_path_mount import HostPathMount
    from ..models.named_volume_mount import NamedVolumeMount
    from ..models.secret_env_map import SecretEnvMap


T = TypeVar("T", bound="TemplateUpdate")


@_attrs_define
class TemplateUpdate:
    """Fields to change; omitted fields keep their value (so none has a default here), and the settings
    named in `reset` return to their defaults. A setting may not be both given and reset. The fields
    and their limits are those of `TemplateCreate`; the template must still have `imageName` or a
    command.

        Example:
            {'env': {'LOG_LEVEL': 'debug'}, 'reset': ['memoryLimitMb']}

        Attributes:
            name (str | Unset): A unique name. Example: echo-worker.
            image_name (str | Unset): Container image for the docker and kubernetes drivers. Example: runfleet/echo-
                worker:latest.
            command (list[str] | Unset): The command line. The process driver runs it on the host (relative to the control
                plane's
                working directory); container drivers use it as the container command, and an empty one runs
                the image's own.
                 Example: ['node', 'examples/echo-worker/dist/worker.js'].
            env (EnvMap | Unset): Environment variables given to workers. Example: {'MODEL_NAME': 'llama-3-8b'}.
            secret_env (SecretEnvMap | Unset): Environment variables whose values are secret: given to workers like `env`,
                but write-only
                through the API (shown as `********`), encrypted at rest (AES-256-GCM) and never logged. A name
                may not be in both `env` and `secretEnv`. Setting the map replaces it; a value of `********`
                keeps the value already stored under that name, so a read-modify-write round trip keeps secrets.
                 Example: {'HF_TOKEN': 'hf_abc123'}.
            ports (list[str] | Unset): Ports the worker exposes, as `port/protocol`. Example: ['8000/http'].
            cpu_limit (float | Unset): CPU cores a container worker may use; no limit when omitted. Example: 2.
            memory_limit_mb (int | Unset): Memory a container worker may use, in MiB; no limit when omitted. Example: 4096.
            container_disk_in_gb (int | Unset): The container's writable disk, in GB (RunPod's `containerDiskInGb`). The
                docker driver applies it
                as the container's storage size where the engine's storage driver can limit it (overlay2 on xfs
                with `pquota`, btrfs, zfs, devicemapper) and otherwise runs the worker without a limit, logging
                once why; the kubernetes driver makes it an `ephemeral-storage` limit; the process driver
                ignores it. No limit when omitted.
                 Example: 20.
            container_registry_auth_id (str | Unset): An opaque identifier. Example: ep_7k2m9x4q.
            volume_mounts (list[HostPathMount | NamedVolumeMount] | Unset): Volumes mounted into container workers (the
                docker and kubernetes drivers; the process driver
                runs on the host and ignores them). A `volume` mount is a named volume shared by every worker
                that mounts it and kept when workers end, for model caches: RunPod's network volume
                (`networkVolumeId`, mounted at `/runpod-volume`).
                 Example: [{'type': 'volume', 'name': 'hf-cache', 'mountPath': '/runpod-volume'}].
            reset (list[ResettableTemplateSetting] | Unset): Settings to return to their defaults, as if the template had
                been created without them. Example: ['memoryLimitMb'].
    """

    name: str | Unset = UNSET
    image_name: str | Unset = UNSET
    command: list[str] | Unset = UNSET
    env: EnvMap | Unset = UNSET
    secret_env: SecretEnvMap | Unset = UNSET
    ports: list[str] | Unset = UNSET
    cpu_limit: float | Unset = UNSET
    memory_limit_mb: int | Unset = UNSET
    container_disk_in_gb: int | Unset = UNSET
    container_registry_auth_id: str | Unset = UNSET
    volume_mounts: list[HostPathMount | NamedVolumeMount] | Unset = UNSET
    reset: list[ResettableTemplateSetting] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.named_volume_mount import NamedVolumeMount  # noqa: PLC0415

        name = self.name

        image_name = self.image_name

        command: list[str] | Unset = UNSET
        if not isinstance(self.command, Unset):
            command = self.command

        env: dict[str, Any] | Unset = UNSET
        if not isinstance(self.env, Unset):
            env = self.env.to_dict()

        secret_env: dict[str, Any] | Unset = UNSET
        if not isinstance(self.secret_env, Unset):
            secret_env = self.secret_env.to_dict()

        ports: list[str] | Unset = UNSET
        if not isinstance(self.ports, Unset):
            ports = self.ports

        cpu_limit = self.cpu_limit

        memory_limit_mb = self.memory_limit_mb

        container_disk_in_gb = self.container_disk_in_gb

        container_registry_auth_id = self.container_registry_auth_id

        volume_mounts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.volume_mounts, Unset):
            volume_mounts = []
            for volume_mounts_item_data in self.volume_mounts:
                volume_mounts_item: dict[str, Any]
                if isinstance(volume_mounts_item_data, NamedVolumeMount):
                    volume_mounts_item = volume_mounts_item_data.to_dict()
                else:
                    volume_mounts_item = volume_mounts_item_data.to_dict()

                volume_mounts.append(volume_mounts_item)

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
        if image_name is not UNSET:
            field_dict["imageName"] = image_name
        if command is not UNSET:
            field_dict["command"] = command
        if env is not UNSET:
            field_dict["env"] = env
        if secret_env is not UNSET:
            field_dict["secretEnv"] = secret_env
        if ports is not UNSET:
            field_dict["ports"] = ports
        if cpu_limit is not UNSET:
            field_dict["cpuLimit"] = cpu_limit
        if memory_limit_mb is not UNSET:
            field_dict["memoryLimitMb"] = memory_limit_mb
        if container_disk_in_gb is not UNSET:
            field_dict["containerDiskInGb"] = container_disk_in_gb
        if container_registry_auth_id is not UNSET:
            field_dict["containerRegistryAuthId"] = container_registry_auth_id
        if volume_mounts is not UNSET:
            field_dict["volumeMounts"] = volume_mounts
        if reset is not UNSET:
            field_dict["reset"] = reset

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.env_map import EnvMap  # noqa: PLC0415
        from ..models.host_path_mount import HostPathMount  # noqa: PLC0415
        from ..models.named_volume_mount import NamedVolumeMount  # noqa: PLC0415
        from ..models.secret_env_map import SecretEnvMap  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        image_name = d.pop("imageName", UNSET)

        command = cast(list[str], d.pop("command", UNSET))

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

        ports = cast(list[str], d.pop("ports", UNSET))

        cpu_limit = d.pop("cpuLimit", UNSET)

        memory_limit_mb = d.pop("memoryLimitMb", UNSET)

        container_disk_in_gb = d.pop("containerDiskInGb", UNSET)

        container_registry_auth_id = d.pop("containerRegistryAuthId", UNSET)

        _volume_mounts = d.pop("volumeMounts", UNSET)
        volume_mounts: list[HostPathMount | NamedVolumeMount] | Unset = UNSET
        if _volume_mounts is not UNSET:
            volume_mounts = []
            for volume_mounts_item_data in _volume_mounts:

                def _parse_volume_mounts_item(
                    data: object,
                ) -> HostPathMount | NamedVolumeMount:
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        componentsschemas_volume_mount_type_0 = (
                            NamedVolumeMount.from_dict(data)
                        )

                        return componentsschemas_volume_mount_type_0
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_volume_mount_type_1 = HostPathMount.from_dict(
                        data
                    )

                    return componentsschemas_volume_mount_type_1

                volume_mounts_item = _parse_volume_mounts_item(volume_mounts_item_data)

                volume_mounts.append(volume_mounts_item)

        _reset = d.pop("reset", UNSET)
        reset: list[ResettableTemplateSetting] | Unset = UNSET
        if _reset is not UNSET:
            reset = []
            for reset_item_data in _reset:
                reset_item = ResettableTemplateSetting(reset_item_data)

                reset.append(reset_item)

        template_update = cls(
            name=name,
            image_name=image_name,
            command=command,
            env=env,
            secret_env=secret_env,
            ports=ports,
            cpu_limit=cpu_limit,
            memory_limit_mb=memory_limit_mb,
            container_disk_in_gb=container_disk_in_gb,
            container_registry_auth_id=container_registry_auth_id,
            volume_mounts=volume_mounts,
            reset=reset,
        )

        return template_update
