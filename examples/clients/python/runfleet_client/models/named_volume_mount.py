from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NamedVolumeMount")


@_attrs_define
class NamedVolumeMount:
    """A named volume (created on first use, kept across workers): a Docker volume `runfleet-<name>` with
    the docker driver, the PersistentVolumeClaim `runfleet-<name>` with the kubernetes driver.

        Attributes:
            type_ (Literal['volume']): The kind of mount.
            name (str): The volume's name (a DNS label, so that a PVC can carry it). Example: hf-cache.
            mount_path (str): An absolute path inside the container. Example: /runpod-volume.
            read_only (bool | Unset): Mount it read-only. Default: False.
    """

    type_: Literal["volume"]
    name: str
    mount_path: str
    read_only: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        name = self.name

        mount_path = self.mount_path

        read_only = self.read_only

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "name": name,
                "mountPath": mount_path,
            }
        )
        if read_only is not UNSET:
            field_dict["readOnly"] = read_only

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["volume"], d.pop("type"))
        if type_ != "volume":
            raise ValueError(f"type must match const 'volume', got '{type_}'")

        name = d.pop("name")

        mount_path = d.pop("mountPath")

        read_only = d.pop("readOnly", UNSET)

        named_volume_mount = cls(
            type_=type_,
            name=name,
            mount_path=mount_path,
            read_only=read_only,
        )

        return named_volume_mount
