from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RegistryAuthUpdate")


@_attrs_define
class RegistryAuthUpdate:
    """Fields to change; omitted fields keep their value.

    Attributes:
        name (str | Unset): A unique name. Example: ghcr-acme.
        username (str | Unset): The registry user. Example: acme-ci.
        password (str | Unset): The password or access token. Example: ghp_def456.
    """

    name: str | Unset = UNSET
    username: str | Unset = UNSET
    password: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        username = self.username

        password = self.password

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if username is not UNSET:
            field_dict["username"] = username
        if password is not UNSET:
            field_dict["password"] = password

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        username = d.pop("username", UNSET)

        password = d.pop("password", UNSET)

        registry_auth_update = cls(
            name=name,
            username=username,
            password=password,
        )

        return registry_auth_update
