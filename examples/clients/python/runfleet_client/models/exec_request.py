from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExecRequest")


@_attrs_define
class ExecRequest:
    """A command to run inside a worker.

    Attributes:
        command (list[str]): The program and its arguments (no shell; use `["sh", "-c", "…"]` for one). Example:
            ['nvidia-smi'].
        stdin (str | Unset): Text given to the command on its standard input, which is then closed (default empty).
        timeout_seconds (int | Unset): The command is ended (SIGTERM, then SIGKILL) after this many seconds. Default no
            limit.
    """

    command: list[str]
    stdin: str | Unset = UNSET
    timeout_seconds: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        command = self.command

        stdin = self.stdin

        timeout_seconds = self.timeout_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "command": command,
            }
        )
        if stdin is not UNSET:
            field_dict["stdin"] = stdin
        if timeout_seconds is not UNSET:
            field_dict["timeoutSeconds"] = timeout_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        command = cast(list[str], d.pop("command"))

        stdin = d.pop("stdin", UNSET)

        timeout_seconds = d.pop("timeoutSeconds", UNSET)

        exec_request = cls(
            command=command,
            stdin=stdin,
            timeout_seconds=timeout_seconds,
        )

        return exec_request
