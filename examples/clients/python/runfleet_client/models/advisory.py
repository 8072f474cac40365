from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.advisory_rule import AdvisoryRule
from ..models.advisory_severity import AdvisorySeverity

if TYPE_CHECKING:
    from ..models.advisory_evidence import AdvisoryEvidence
    from ..models.simulated_figures import SimulatedFigures


T = TypeVar("T", bound="Advisory")


@_attrs_define
class Advisory:
    """One pitfall found in the history, with its evidence and a simulated alternative.

    Attributes:
        rule (AdvisoryRule): Which autoscaling pitfall an advisory is about. Example: max_workers_reached.
        severity (AdvisorySeverity): How much an advisory matters. Example: warning.
        message (str): The finding in one sentence, with the figures. Example: workersMax (3) was reached while the
            queue grew: p95 queue delay 41.0 s; with workersMax 5: 6.2 s, cost +18 %.
        evidence (AdvisoryEvidence): The figures the finding rests on. Example: {'timesAtMax': 4,
            'p95QueueDelaySeconds': 41}.
        current (None | SimulatedFigures): The history simulated with the current settings (null when not simulated).
        alternative (None | SimulatedFigures): The same history simulated with the suggested settings (null when no
            setting helps).
    """

    rule: AdvisoryRule
    severity: AdvisorySeverity
    message: str
    evidence: AdvisoryEvidence
    current: None | SimulatedFigures
    alternative: None | SimulatedFigures
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.simulated_figures import SimulatedFigures  # noqa: PLC0415

        rule = self.rule.value

        severity = self.severity.value

        message = self.message

        evidence = self.evidence.to_dict()

        current: dict[str, Any] | None
        if isinstance(self.current, SimulatedFigures):
            current = self.current.to_dict()
        else:
            current = self.current

        alternative: dict[str, Any] | None
        if isinstance(self.alternative, SimulatedFigures):
            alternative = self.alternative.to_dict()
        else:
            alternative = self.alternative

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rule": rule,
                "severity": severity,
                "message": message,
                "evidence": evidence,
                "current": current,
                "alternative": alternative,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.advisory_evidence import AdvisoryEvidence  # noqa: PLC0415
        from ..models.simulated_figures import SimulatedFigures  # noqa: PLC0415

        d = dict(src_dict)
        rule = AdvisoryRule(d.pop("rule"))

        severity = AdvisorySeverity(d.pop("severity"))

        message = d.pop("message")

        evidence = AdvisoryEvidence.from_dict(d.pop("evidence"))

        def _parse_current(data: object) -> None | SimulatedFigures:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                current_type_0 = SimulatedFigures.from_dict(data)

                return current_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SimulatedFigures, data)

        current = _parse_current(d.pop("current"))

        def _parse_alternative(data: object) -> None | SimulatedFigures:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                alternative_type_0 = SimulatedFigures.from_dict(data)

                return alternative_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SimulatedFigures, data)

        alternative = _parse_alternative(d.pop("alternative"))

        advisory = cls(
            rule=rule,
            severity=severity,
            message=message,
            evidence=evidence,
            current=current,
            alternative=alternative,
        )

        advisory.additional_properties = d
        return advisory

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
