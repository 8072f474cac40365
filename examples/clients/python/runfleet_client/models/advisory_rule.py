from enum import StrEnum


class AdvisoryRule(StrEnum):
    GPU_TYPE_UNAVAILABLE = "gpu_type_unavailable"
    IDLE_TIMEOUT_TOO_SHORT = "idle_timeout_too_short"
    INIT_TIME_ABOVE_IDLE_TIMEOUT = "init_time_above_idle_timeout"
    MAX_WORKERS_REACHED = "max_workers_reached"
    MIN_WORKERS_IDLE = "min_workers_idle"

    def __str__(self) -> str:
        return str(self.value)
