from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SecretEnvMap")


@_attrs_define
class SecretEnvMap:
    """Environment variables whose values are secret: given to workers like `env`, but write-only
    through the API (shown as `********`), encrypted at rest (AES-256-GCM) and never logged. A name
    may not be in both `env` and `secretEnv`. Setting the map replaces it; a value of `********`
    keeps the value already stored under that name, so a read-modify-write round trip keeps secrets.

        Example:
            {'HF_TOKEN': 'hf_abc123'}

    """

    additional_properties: dict[str, str] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        secret_env_map = cls()

        secret_env_map.additional_properties = d
        return secret_env_map

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> str:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: str) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
