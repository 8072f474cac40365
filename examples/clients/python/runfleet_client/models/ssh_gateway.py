from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SshGateway")


@_attrs_define
class SshGateway:
    """The SSH gateway of the control plane, when it runs one.

    Attributes:
        enabled (bool): Whether the gateway listens (`runfleet serve --ssh-port`). Example: True.
        port (int | None): The port it listens on; null when it is off. Example: 2222.
        host_key_fingerprint (None | str): Its host key's SHA-256 fingerprint, as `ssh-keygen -lf` prints it; null when
            it is off. Example: SHA256:3m1bGqv1Yl9i9m7n0fqZp6o1R1m1B7j1V0h1dG0oY7Q.
    """

    enabled: bool
    port: int | None
    host_key_fingerprint: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        port: int | None
        port = self.port

        host_key_fingerprint: None | str
        host_key_fingerprint = self.host_key_fingerprint

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enabled": enabled,
                "port": port,
                "hostKeyFingerprint": host_key_fingerprint,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enabled = d.pop("enabled")

        def _parse_port(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        port = _parse_port(d.pop("port"))

        def _parse_host_key_fingerprint(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        host_key_fingerprint = _parse_host_key_fingerprint(d.pop("hostKeyFingerprint"))

        ssh_gateway = cls(
            enabled=enabled,
            port=port,
            host_key_fingerprint=host_key_fingerprint,
        )

        ssh_gateway.additional_properties = d
        return ssh_gateway

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
