from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RegistryAuthCreate")


@_attrs_define
class RegistryAuthCreate:
    """Credentials for a container registry, as `docker login` takes them.

    Attributes:
        name (str): A unique name. Example: ghcr-acme.
        username (str): The registry user. Example: acme-ci.
        password (str): The password or access token; encrypted at rest, never shown again. Example: ghp_abc123.
    """

    name: str
    username: str
    password: str

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        username = self.username

        password = self.password

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "username": username,
                "password": password,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        username = d.pop("username")

        password = d.pop("password")

        registry_auth_create = cls(
            name=name,
            username=username,
            password=password,
        )

        return registry_auth_create
