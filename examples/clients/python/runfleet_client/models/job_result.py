from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_result_status import JobResultStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_error_object import JobErrorObject


T = TypeVar("T", bound="JobResult")


@_attrs_define
class JobResult:
    """A worker's report on a job.

    Example:
        {'output': {'echo': 'hi'}}

    Attributes:
        output (Any | Unset): The result, or a progress value when `status` is `IN_PROGRESS`.
        error (JobErrorObject | str | Unset): Set when the handler failed: a string (the runpod SDK sends JSON-encoded
            text) or an object.
        status (JobResultStatus | Unset): `IN_PROGRESS` marks a worker's report as a progress update rather than the
            job's end. Example: IN_PROGRESS.
        stop_pod (bool | Unset): The worker asks to be recycled after this job.
    """

    output: Any | Unset = UNSET
    error: JobErrorObject | str | Unset = UNSET
    status: JobResultStatus | Unset = UNSET
    stop_pod: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.job_error_object import JobErrorObject  # noqa: PLC0415

        output = self.output

        error: dict[str, Any] | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, JobErrorObject):
            error = self.error.to_dict()
        else:
            error = self.error

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        stop_pod = self.stop_pod

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if output is not UNSET:
            field_dict["output"] = output
        if error is not UNSET:
            field_dict["error"] = error
        if status is not UNSET:
            field_dict["status"] = status
        if stop_pod is not UNSET:
            field_dict["stopPod"] = stop_pod

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_error_object import JobErrorObject  # noqa: PLC0415

        d = dict(src_dict)
        output = d.pop("output", UNSET)

        def _parse_error(data: object) -> JobErrorObject | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_1 = JobErrorObject.from_dict(data)

                return error_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobErrorObject | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        _status = d.pop("status", UNSET)
        status: JobResultStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = JobResultStatus(_status)

        stop_pod = d.pop("stopPod", UNSET)

        job_result = cls(
            output=output,
            error=error,
            status=status,
            stop_pod=stop_pod,
        )

        job_result.additional_properties = d
        return job_result

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
