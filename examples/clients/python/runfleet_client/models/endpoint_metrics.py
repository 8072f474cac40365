from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.endpoint_metrics_workers_by_status import (
        EndpointMetricsWorkersByStatus,
    )
    from ..models.metric_bucket import MetricBucket
    from ..models.metric_point import MetricPoint
    from ..models.percentiles import Percentiles


T = TypeVar("T", bound="EndpointMetrics")


@_attrs_define
class EndpointMetrics:
    """An endpoint's metrics over a window.

    Attributes:
        endpoint_id (str): An opaque identifier. Example: ep_7k2m9x4q.
        window_seconds (int): The range's length in seconds. Example: 3600.
        from_ (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        to (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
        step_seconds (int): Seconds per point of `points`. Example: 10.
        points (list[MetricBucket]): The range, one entry per step that holds samples, oldest first.
        queue_depth (list[MetricPoint]): Queued jobs over time (the mean of each step).
        workers_by_status (EndpointMetricsWorkersByStatus): Workers in each status over time.
        delay_time (Percentiles): Percentiles in ms over the window; null when there was no sample. They are read from
            log-scale
            histograms (20 buckets per decade), so they are within about 6% of the exact figure.
        execution_time (Percentiles): Percentiles in ms over the window; null when there was no sample. They are read
            from log-scale
            histograms (20 buckets per decade), so they are within about 6% of the exact figure.
        cold_starts (Percentiles): Percentiles in ms over the window; null when there was no sample. They are read from
            log-scale
            histograms (20 buckets per decade), so they are within about 6% of the exact figure.
        request_latency (Percentiles): Percentiles in ms over the window; null when there was no sample. They are read
            from log-scale
            histograms (20 buckets per decade), so they are within about 6% of the exact figure.
        utilization (float): Share of worker time spent running jobs over the window, 0 to 1. Example: 0.42.
    """

    endpoint_id: str
    window_seconds: int
    from_: datetime.datetime
    to: datetime.datetime
    step_seconds: int
    points: list[MetricBucket]
    queue_depth: list[MetricPoint]
    workers_by_status: EndpointMetricsWorkersByStatus
    delay_time: Percentiles
    execution_time: Percentiles
    cold_starts: Percentiles
    request_latency: Percentiles
    utilization: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        endpoint_id = self.endpoint_id

        window_seconds = self.window_seconds

        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        step_seconds = self.step_seconds

        points = []
        for points_item_data in self.points:
            points_item = points_item_data.to_dict()
            points.append(points_item)

        queue_depth = []
        for queue_depth_item_data in self.queue_depth:
            queue_depth_item = queue_depth_item_data.to_dict()
            queue_depth.append(queue_depth_item)

        workers_by_status = self.workers_by_status.to_dict()

        delay_time = self.delay_time.to_dict()

        execution_time = self.execution_time.to_dict()

        cold_starts = self.cold_starts.to_dict()

        request_latency = self.request_latency.to_dict()

        utilization = self.utilization

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "endpointId": endpoint_id,
                "windowSeconds": window_seconds,
                "from": from_,
                "to": to,
                "stepSeconds": step_seconds,
                "points": points,
                "queueDepth": queue_depth,
                "workersByStatus": workers_by_status,
                "delayTime": delay_time,
                "executionTime": execution_time,
                "coldStarts": cold_starts,
                "requestLatency": request_latency,
                "utilization": utilization,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.endpoint_metrics_workers_by_status import (
            EndpointMetricsWorkersByStatus,  # noqa: PLC0415
        )
        from ..models.metric_bucket import MetricBucket  # noqa: PLC0415
        from ..models.metric_point import MetricPoint  # noqa: PLC0415
        from ..models.percentiles import Percentiles  # noqa: PLC0415

        d = dict(src_dict)
        endpoint_id = d.pop("endpointId")

        window_seconds = d.pop("windowSeconds")

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        step_seconds = d.pop("stepSeconds")

        points = []
        _points = d.pop("points")
        for points_item_data in _points:
            points_item = MetricBucket.from_dict(points_item_data)

            points.append(points_item)

        queue_depth = []
        _queue_depth = d.pop("queueDepth")
        for queue_depth_item_data in _queue_depth:
            queue_depth_item = MetricPoint.from_dict(queue_depth_item_data)

            queue_depth.append(queue_depth_item)

        workers_by_status = EndpointMetricsWorkersByStatus.from_dict(
            d.pop("workersByStatus")
        )

        delay_time = Percentiles.from_dict(d.pop("delayTime"))

        execution_time = Percentiles.from_dict(d.pop("executionTime"))

        cold_starts = Percentiles.from_dict(d.pop("coldStarts"))

        request_latency = Percentiles.from_dict(d.pop("requestLatency"))

        utilization = d.pop("utilization")

        endpoint_metrics = cls(
            endpoint_id=endpoint_id,
            window_seconds=window_seconds,
            from_=from_,
            to=to,
            step_seconds=step_seconds,
            points=points,
            queue_depth=queue_depth,
            workers_by_status=workers_by_status,
            delay_time=delay_time,
            execution_time=execution_time,
            cold_starts=cold_starts,
            request_latency=request_latency,
            utilization=utilization,
        )

        endpoint_metrics.additional_properties = d
        return endpoint_metrics

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
