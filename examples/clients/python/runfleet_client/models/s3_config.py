from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="S3Config")


@_attrs_define
class S3Config:
    """Bucket credentials passed to the worker with the job; never echoed back, and `accessSecret` is
    encrypted at rest.

        Attributes:
            access_id (str | Unset): Access key id. Example: AKIA....
            access_secret (str | Unset): Secret key. Example: ....
            bucket_name (str | Unset): Bucket. Example: outputs.
            endpoint_url (str | Unset): S3 endpoint URL. Example: https://s3.example.com.
            object_path (str | Unset): Key prefix. Example: jobs/.
    """

    access_id: str | Unset = UNSET
    access_secret: str | Unset = UNSET
    bucket_name: str | Unset = UNSET
    endpoint_url: str | Unset = UNSET
    object_path: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        access_id = self.access_id

        access_secret = self.access_secret

        bucket_name = self.bucket_name

        endpoint_url = self.endpoint_url

        object_path = self.object_path

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if access_id is not UNSET:
            field_dict["accessId"] = access_id
        if access_secret is not UNSET:
            field_dict["accessSecret"] = access_secret
        if bucket_name is not UNSET:
            field_dict["bucketName"] = bucket_name
        if endpoint_url is not UNSET:
            field_dict["endpointUrl"] = endpoint_url
        if object_path is not UNSET:
            field_dict["objectPath"] = object_path

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        access_id = d.pop("accessId", UNSET)

        access_secret = d.pop("accessSecret", UNSET)

        bucket_name = d.pop("bucketName", UNSET)

        endpoint_url = d.pop("endpointUrl", UNSET)

        object_path = d.pop("objectPath", UNSET)

        s3_config = cls(
            access_id=access_id,
            access_secret=access_secret,
            bucket_name=bucket_name,
            endpoint_url=endpoint_url,
            object_path=object_path,
        )

        return s3_config
