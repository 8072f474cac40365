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

T = TypeVar("T", bound="HostPathMount")


@_attrs_define
class HostPathMount:
    """A directory of the machine the worker runs on, bind-mounted (a `hostPath` volume with the
    kubernetes driver). It must exist there.

        Attributes:
            type_ (Literal['hostPath']): The kind of mount.
            host_path (str): An absolute path on the worker's machine. Example: /srv/models.
            mount_path (str): An absolute path inside the container. Example: /runpod-volume.
            read_only (bool | Unset): Mount it read-only. Default: False.
    """

    type_: Literal["hostPath"]
    host_path: str
    mount_path: str
    read_only: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        host_path = self.host_path

        mount_path = self.mount_path

        read_only = self.read_only

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "hostPath": host_path,
                "mountPath": mount_path,
            }
        )
        if read_only is not UNSET:
            field_dict["readOnly"] = read_only

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["hostPath"], d.pop("type"))
        if type_ != "hostPath":
            raise ValueError(f"type must match const 'hostPath', got '{type_}'")

        host_path = d.pop("hostPath")

        mount_path = d.pop("mountPath")

        read_only = d.pop("readOnly", UNSET)

        host_path_mount = cls(
            type_=type_,
            host_path=host_path,
            mount_path=mount_path,
            read_only=read_only,
        )

        return host_path_mount
