from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SshKeyCreate")


@_attrs_define
class SshKeyCreate:
    """An OpenSSH public key to register.

    Attributes:
        name (str): A label for the key (whose it is). Example: alice laptop.
        public_key (str): One line in OpenSSH format (`ssh-ed25519 AAAA… comment`). Example: ssh-ed25519
            AAAAC3NzaC1lZDI1NTE5AAAAIGw5p3XbC8y2cQ4a0Jm5kQm0Yt6bq9o6Y4p1y2m3n4o5 alice@laptop.
    """

    name: str
    public_key: str

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        public_key = self.public_key

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "publicKey": public_key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        public_key = d.pop("publicKey")

        ssh_key_create = cls(
            name=name,
            public_key=public_key,
        )

        return ssh_key_create
