"""Contains all the data models used in inputs/outputs"""

from .ack import Ack
from .advisory import Advisory
from .advisory_evidence import AdvisoryEvidence
from .advisory_rule import AdvisoryRule
from .advisory_severity import AdvisorySeverity
from .api_key import ApiKey
from .api_key_create import ApiKeyCreate
from .api_key_created import ApiKeyCreated
from .api_key_scope import ApiKeyScope
from .audit_action import AuditAction
from .audit_actor import AuditActor
from .audit_actor_type import AuditActorType
from .audit_event import AuditEvent
from .audit_outcome import AuditOutcome
from .audit_transport import AuditTransport
from .compute_type import ComputeType
from .driver_kind import DriverKind
from .empty_body import EmptyBody
from .endpoint import Endpoint
from .endpoint_advice import EndpointAdvice
from .endpoint_create import EndpointCreate
from .endpoint_health import EndpointHealth
from .endpoint_job_counts import EndpointJobCounts
from .endpoint_metrics import EndpointMetrics
from .endpoint_metrics_workers_by_status import EndpointMetricsWorkersByStatus
from .endpoint_type import EndpointType
from .endpoint_update import EndpointUpdate
from .endpoint_usage import EndpointUsage
from .endpoint_worker_counts import EndpointWorkerCounts
from .env_map import EnvMap
from .error_code import ErrorCode
from .exec_error import ExecError
from .exec_exit import ExecExit
from .exec_output import ExecOutput
from .exec_request import ExecRequest
from .exec_started import ExecStarted
from .field_error import FieldError
from .gpu import Gpu
from .gpu_source import GpuSource
from .host_path_mount import HostPathMount
from .job_accepted import JobAccepted
from .job_error_object import JobErrorObject
from .job_policy import JobPolicy
from .job_record import JobRecord
from .job_request import JobRequest
from .job_result import JobResult
from .job_result_status import JobResultStatus
from .job_status import JobStatus
from .job_status_value import JobStatusValue
from .liveness import Liveness
from .liveness_status import LivenessStatus
from .metric_bucket import MetricBucket
from .metric_bucket_workers import MetricBucketWorkers
from .metric_point import MetricPoint
from .named_volume_mount import NamedVolumeMount
from .output_stream import OutputStream
from .percentiles import Percentiles
from .problem import Problem
from .purge_result import PurgeResult
from .purge_status import PurgeStatus
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .readiness_status import ReadinessStatus
from .redacted_env_map import RedactedEnvMap
from .registry_auth import RegistryAuth
from .registry_auth_create import RegistryAuthCreate
from .registry_auth_update import RegistryAuthUpdate
from .resettable_endpoint_setting import ResettableEndpointSetting
from .resettable_template_setting import ResettableTemplateSetting
from .s3_config import S3Config
from .scaler_type import ScalerType
from .scaling_action import ScalingAction
from .scaling_event import ScalingEvent
from .scaling_event_inputs import ScalingEventInputs
from .secret_env_map import SecretEnvMap
from .simulated_figures import SimulatedFigures
from .simulated_figures_settings import SimulatedFiguresSettings
from .ssh_gateway import SshGateway
from .ssh_key import SshKey
from .ssh_key_create import SshKeyCreate
from .stop_signals import StopSignals
from .stream_chunk import StreamChunk
from .stream_response import StreamResponse
from .template import Template
from .template_create import TemplateCreate
from .template_update import TemplateUpdate
from .usage_seconds import UsageSeconds
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_state import WebhookDeliveryState
from .worker import Worker
from .worker_create import WorkerCreate
from .worker_driver import WorkerDriver
from .worker_health_report import WorkerHealthReport
from .worker_job import WorkerJob
from .worker_log_line import WorkerLogLine
from .worker_logs import WorkerLogs
from .worker_registration import WorkerRegistration
from .worker_registration_env import WorkerRegistrationEnv
from .worker_status import WorkerStatus
from .worker_usage import WorkerUsage

__all__ = (
    "Ack",
    "Advisory",
    "AdvisoryEvidence",
    "AdvisoryRule",
    "AdvisorySeverity",
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyScope",
    "AuditAction",
    "AuditActor",
    "AuditActorType",
    "AuditEvent",
    "AuditOutcome",
    "AuditTransport",
    "ComputeType",
    "DriverKind",
    "EmptyBody",
    "Endpoint",
    "EndpointAdvice",
    "EndpointCreate",
    "EndpointHealth",
    "EndpointJobCounts",
    "EndpointMetrics",
    "EndpointMetricsWorkersByStatus",
    "EndpointType",
    "EndpointUpdate",
    "EndpointUsage",
    "EndpointWorkerCounts",
    "EnvMap",
    "ErrorCode",
    "ExecError",
    "ExecExit",
    "ExecOutput",
    "ExecRequest",
    "ExecStarted",
    "FieldError",
    "Gpu",
    "GpuSource",
    "HostPathMount",
    "JobAccepted",
    "JobErrorObject",
    "JobPolicy",
    "JobRecord",
    "JobRequest",
    "JobResult",
    "JobResultStatus",
    "JobStatus",
    "JobStatusValue",
    "Liveness",
    "LivenessStatus",
    "MetricBucket",
    "MetricBucketWorkers",
    "MetricPoint",
    "NamedVolumeMount",
    "OutputStream",
    "Percentiles",
    "Problem",
    "PurgeResult",
    "PurgeStatus",
    "Readiness",
    "ReadinessChecks",
    "ReadinessStatus",
    "RedactedEnvMap",
    "RegistryAuth",
    "RegistryAuthCreate",
    "RegistryAuthUpdate",
    "ResettableEndpointSetting",
    "ResettableTemplateSetting",
    "S3Config",
    "ScalerType",
    "ScalingAction",
    "ScalingEvent",
    "ScalingEventInputs",
    "SecretEnvMap",
    "SimulatedFigures",
    "SimulatedFiguresSettings",
    "SshGateway",
    "SshKey",
    "SshKeyCreate",
    "StopSignals",
    "StreamChunk",
    "StreamResponse",
    "Template",
    "TemplateCreate",
    "TemplateUpdate",
    "UsageSeconds",
    "WebhookDelivery",
    "WebhookDeliveryState",
    "Worker",
    "WorkerCreate",
    "WorkerDriver",
    "WorkerHealthReport",
    "WorkerJob",
    "WorkerLogLine",
    "WorkerLogs",
    "WorkerRegistration",
    "WorkerRegistrationEnv",
    "WorkerStatus",
    "WorkerUsage",
)
