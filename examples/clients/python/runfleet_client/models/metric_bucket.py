from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.metric_bucket_workers import MetricBucketWorkers
    from ..models.percentiles import Percentiles


T = TypeVar("T", bound="MetricBucket")


@_attrs_define
class MetricBucket:
    """The figures of one `step` of an endpoint's metric history. Gauges (queue depth, workers) are the
    mean of the samples taken in the step; counts are totals over the step.

        Attributes:
            at (datetime.datetime): An RFC 3339 instant in UTC. Example: 2026-11-23T12:00:00.000Z.
            samples (int): Samples taken in the step. Example: 6.
            queue_depth (float): Mean of the jobs waiting. Example: 1.5.
            queue_depth_max (float): Most jobs waiting at one sample. Example: 4.
            workers (MetricBucketWorkers): Mean number of workers in each status. Example: {'IDLE': 1, 'RUNNING': 2}.
            jobs_completed (int): Jobs that completed in the step. Example: 30.
            jobs_failed (int): Jobs that failed or timed out in the step. Example: 1.
            delay_time (Percentiles): Percentiles in ms over the window; null when there was no sample. They are read from
                log-scale
                histograms (20 buckets per decade), so they are within about 6% of the exact figure.
            execution_time (Percentiles): Percentiles in ms over the window; null when there was no sample. They are read
                from log-scale
                histograms (20 buckets per decade), so they are within about 6% of the exact figure.
            cold_starts (int): Workers that became ready in the step. Example: 1.
            cold_start_time (Percentiles): Percentiles in ms over the window; null when there was no sample. They are read
                from log-scale
                histograms (20 buckets per decade), so they are within about 6% of the exact figure.
            requests (int): Requests the router finished in the step (load-balancing endpoints; 0 for queue endpoints).
                Example: 1200.
            request_errors (int): Of those, the ones answered 5xx (by the worker, or 502/503 by the router). Example: 2.
            requests_in_flight (float): Mean of the routed requests in flight (sent or waiting for a worker) at the samples.
                Example: 3.5.
            request_latency (Percentiles): Percentiles in ms over the window; null when there was no sample. They are read
                from log-scale
                histograms (20 buckets per decade), so they are within about 6% of the exact figure.
            utilization (float | None): Share of ready workers that were running jobs, 0 to 1; null with no ready worker.
                Example: 0.66.
    """

    at: datetime.datetime
    samples: int
    queue_depth: float
    queue_depth_max: float
    workers: MetricBucketWorkers
    jobs_completed: int
    jobs_failed: int
    delay_time: Percentiles
    execution_time: Percentiles
    cold_starts: int
    cold_start_time: Percentiles
    requests: int
    request_errors: int
    requests_in_flight: float
    request_latency: Percentiles
    utilization: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        samples = self.samples

        queue_depth = self.queue_depth

        queue_depth_max = self.queue_depth_max

        workers = self.workers.to_dict()

        jobs_completed = self.jobs_completed

        jobs_failed = self.jobs_failed

        delay_time = self.delay_time.to_dict()

        execution_time = self.execution_time.to_dict()

        cold_starts = self.cold_starts

        cold_start_time = self.cold_start_time.to_dict()

        requests = self.requests

        request_errors = self.request_errors

        requests_in_flight = self.requests_in_flight

        request_latency = self.request_latency.to_dict()

        utilization: float | None
        utilization = self.utilization

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "samples": samples,
                "queueDepth": queue_depth,
                "queueDepthMax": queue_depth_max,
                "workers": workers,
                "jobsCompleted": jobs_completed,
                "jobsFailed": jobs_failed,
                "delayTime": delay_time,
                "executionTime": execution_time,
                "coldStarts": cold_starts,
                "coldStartTime": cold_start_time,
                "requests": requests,
                "requestErrors": request_errors,
                "requestsInFlight": requests_in_flight,
                "requestLatency": request_latency,
                "utilization": utilization,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metric_bucket_workers import MetricBucketWorkers  # noqa: PLC0415
        from ..models.percentiles import Percentiles  # noqa: PLC0415

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        samples = d.pop("samples")

        queue_depth = d.pop("queueDepth")

        queue_depth_max = d.pop("queueDepthMax")

        workers = MetricBucketWorkers.from_dict(d.pop("workers"))

        jobs_completed = d.pop("jobsCompleted")

        jobs_failed = d.pop("jobsFailed")

        delay_time = Percentiles.from_dict(d.pop("delayTime"))

        execution_time = Percentiles.from_dict(d.pop("executionTime"))

        cold_starts = d.pop("coldStarts")

        cold_start_time = Percentiles.from_dict(d.pop("coldStartTime"))

        requests = d.pop("requests")

        request_errors = d.pop("requestErrors")

        requests_in_flight = d.pop("requestsInFlight")

        request_latency = Percentiles.from_dict(d.pop("requestLatency"))

        def _parse_utilization(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        utilization = _parse_utilization(d.pop("utilization"))

        metric_bucket = cls(
            at=at,
            samples=samples,
            queue_depth=queue_depth,
            queue_depth_max=queue_depth_max,
            workers=workers,
            jobs_completed=jobs_completed,
            jobs_failed=jobs_failed,
            delay_time=delay_time,
            execution_time=execution_time,
            cold_starts=cold_starts,
            cold_start_time=cold_start_time,
            requests=requests,
            request_errors=request_errors,
            requests_in_flight=requests_in_flight,
            request_latency=request_latency,
            utilization=utilization,
        )

        metric_bucket.additional_properties = d
        return metric_bucket

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
