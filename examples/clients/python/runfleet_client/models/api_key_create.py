from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.api_key_scope import ApiKeyScope
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApiKeyCreate")


@_attrs_define
class ApiKeyCreate:
    """A new API key.

    Attributes:
        name (str): What the key is for. Example: web-app.
        scope (ApiKeyScope): `admin`: everything. `invoke`: the job API of `endpointIds` (all endpoints when empty).
            `read`: GET operations of the management and job APIs.
             Example: invoke.
        endpoint_ids (list[str] | Unset): For `invoke` keys, the endpoints the key may call; empty means all. Example:
            ['ep_7k2m9x4q'].
    """

    name: str
    scope: ApiKeyScope
    endpoint_ids: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        scope = self.scope.value

        endpoint_ids: list[str] | Unset = UNSET
        if not isinstance(self.endpoint_ids, Unset):
            endpoint_ids = self.endpoint_ids

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "scope": scope,
            }
        )
        if endpoint_ids is not UNSET:
            field_dict["endpointIds"] = endpoint_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        scope = ApiKeyScope(d.pop("scope"))

        endpoint_ids = cast(list[str], d.pop("endpointIds", UNSET))

        api_key_create = cls(
            name=name,
            scope=scope,
            endpoint_ids=endpoint_ids,
        )

        return api_key_create
