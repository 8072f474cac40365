from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_delivery_state import WebhookDeliveryState

T = TypeVar("T", bound="WebhookDelivery")


@_attrs_define
class WebhookDelivery:
    """One attempt to deliver a job's webhook.

    Attributes:
        id (str): An opaque identifier. Example: ep_7k2m9x4q.
        job_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        url (str): The receiver. Example: http://127.0.0.1:9000/hook.
        attempt (int): 1 for the first try. Example: 1.
        state (WebhookDeliveryState): The outcome of a delivery attempt: `failed` will be retried; `gave_up` will not.
            Example: delivered.
        response_status (int | None): The receiver's HTTP status. Example: 200.
        error (None | str): Network error or status text.
        at (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        next_attempt_at (datetime.datetime | None): When the next try is due, after a failure.
    """

    id: str
    job_id: str
    url: str
    attempt: int
    state: WebhookDeliveryState
    response_status: int | None
    error: None | str
    at: datetime.datetime
    next_attempt_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        job_id = self.job_id

        url = self.url

        attempt = self.attempt

        state = self.state.value

        response_status: int | None
        response_status = self.response_status

        error: None | str
        error = self.error

        at = self.at.isoformat()

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "jobId": job_id,
                "url": url,
                "attempt": attempt,
                "state": state,
                "responseStatus": response_status,
                "error": error,
                "at": at,
                "nextAttemptAt": next_attempt_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        job_id = d.pop("jobId")

        url = d.pop("url")

        attempt = d.pop("attempt")

        state = WebhookDeliveryState(d.pop("state"))

        def _parse_response_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        response_status = _parse_response_status(d.pop("responseStatus"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("nextAttemptAt"))

        webhook_delivery = cls(
            id=id,
            job_id=job_id,
            url=url,
            attempt=attempt,
            state=state,
            response_status=response_status,
            error=error,
            at=at,
            next_attempt_at=next_attempt_at,
        )

        webhook_delivery.additional_properties = d
        return webhook_delivery

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
