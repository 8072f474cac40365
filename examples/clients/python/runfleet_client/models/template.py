from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.env_map import EnvMap
    from ..models.host_path_mount import HostPathMount
    from ..models.named_volume_mount import NamedVolumeMount
    from ..models.redacted_env_map import RedactedEnvMap


T = TypeVar("T", bound="Template")


@_attrs_define
class Template:
    """A template.

    Attributes:
        id (str): An opaque identifier. Example: ep_7k2m9x4q.
        name (str): Unique name. Example: echo-worker.
        image_name (None | str): Container image, if any.
        command (list[str]): Command line; empty means the image's own. Example: ['node', 'examples/echo-
            worker/dist/worker.js'].
        env (EnvMap): Environment variables given to workers. Example: {'MODEL_NAME': 'llama-3-8b'}.
        secret_env (RedactedEnvMap): The names of the secret environment variables, each with the value `********`.
            Example: {'HF_TOKEN': '********'}.
        ports (list[str]): Exposed ports. Example: [].
        cpu_limit (float | None): CPU cores limit, if any.
        memory_limit_mb (int | None): Memory limit in MiB, if any.
        container_disk_in_gb (int | None): Container disk size in GB, if any.
        volume_mounts (list[HostPathMount | NamedVolumeMount]): Volumes mounted into container workers. Example: [].
        container_registry_auth_id (None | str): The stored registry credentials images are pulled with, if any.
        version (int): Bumped on every change. Example: 1.
        created_at (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        updated_at (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
    """

    id: str
    name: str
    image_name: None | str
    command: list[str]
    env: EnvMap
    secret_env: RedactedEnvMap
    ports: list[str]
    cpu_limit: float | None
    memory_limit_mb: int | None
    container_disk_in_gb: int | None
    volume_mounts: list[HostPathMount | NamedVolumeMount]
    container_registry_auth_id: None | str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.named_volume_mount import NamedVolumeMount  # noqa: PLC0415

        id = self.id

        name = self.name

        image_name: None | str
        image_name = self.image_name

        command = self.command

        env = self.env.to_dict()

        secret_env = self.secret_env.to_dict()

        ports = self.ports

        cpu_limit: float | None
        cpu_limit = self.cpu_limit

        memory_limit_mb: int | None
        memory_limit_mb = self.memory_limit_mb

        container_disk_in_gb: int | None
        container_disk_in_gb = self.container_disk_in_gb

        volume_mounts = []
        for volume_mounts_item_data in self.volume_mounts:
            volume_mounts_item: dict[str, Any]
            if isinstance(volume_mounts_item_data, NamedVolumeMount):
                volume_mounts_item = volume_mounts_item_data.to_dict()
            else:
                volume_mounts_item = volume_mounts_item_data.to_dict()

            volume_mounts.append(volume_mounts_item)

        container_registry_auth_id: None | str
        container_registry_auth_id = self.container_registry_auth_id

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "imageName": image_name,
                "command": command,
                "env": env,
                "secretEnv": secret_env,
                "ports": ports,
                "cpuLimit": cpu_limit,
                "memoryLimitMb": memory_limit_mb,
                "containerDiskInGb": container_disk_in_gb,
                "volumeMounts": volume_mounts,
                "containerRegistryAuthId": container_registry_auth_id,
                "version": version,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.env_map import EnvMap  # noqa: PLC0415
        from ..models.host_path_mount import HostPathMount  # noqa: PLC0415
        from ..models.named_volume_mount import NamedVolumeMount  # noqa: PLC0415
        from ..models.redacted_env_map import RedactedEnvMap  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        def _parse_image_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        image_name = _parse_image_name(d.pop("imageName"))

        command = cast(list[str], d.pop("command"))

        env = EnvMap.from_dict(d.pop("env"))

        secret_env = RedactedEnvMap.from_dict(d.pop("secretEnv"))

        ports = cast(list[str], d.pop("ports"))

        def _parse_cpu_limit(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        cpu_limit = _parse_cpu_limit(d.pop("cpuLimit"))

        def _parse_memory_limit_mb(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        memory_limit_mb = _parse_memory_limit_mb(d.pop("memoryLimitMb"))

        def _parse_container_disk_in_gb(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        container_disk_in_gb = _parse_container_disk_in_gb(d.pop("containerDiskInGb"))

        volume_mounts = []
        _volume_mounts = d.pop("volumeMounts")
        for volume_mounts_item_data in _volume_mounts:

            def _parse_volume_mounts_item(
                data: object,
            ) -> HostPathMount | NamedVolumeMount:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_volume_mount_type_0 = NamedVolumeMount.from_dict(
                        data
                    )

                    return componentsschemas_volume_mount_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_volume_mount_type_1 = HostPathMount.from_dict(data)

                return componentsschemas_volume_mount_type_1

            volume_mounts_item = _parse_volume_mounts_item(volume_mounts_item_data)

            volume_mounts.append(volume_mounts_item)

        def _parse_container_registry_auth_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        container_registry_auth_id = _parse_container_registry_auth_id(
            d.pop("containerRegistryAuthId")
        )

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        template = cls(
            id=id,
            name=name,
            image_name=image_name,
            command=command,
            env=env,
            secret_env=secret_env,
            ports=ports,
            cpu_limit=cpu_limit,
            memory_limit_mb=memory_limit_mb,
            container_disk_in_gb=container_disk_in_gb,
            volume_mounts=volume_mounts,
            container_registry_auth_id=container_registry_auth_id,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
        )

        template.additional_properties = d
        return template

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
