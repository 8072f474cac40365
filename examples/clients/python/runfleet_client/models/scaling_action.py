from enum import StrEnum


class ScalingAction(StrEnum):
    BACKOFF = "backoff"
    DISREGARD_WORKER = "disregard_worker"
    HOLD = "hold"
    PAUSE_WORKER = "pause_worker"
    REPLACE_WORKER = "replace_worker"
    RESUME_WORKER = "resume_worker"
    START_WORKER = "start_worker"
    STOP_WORKER = "stop_worker"

    def __str__(self) -> str:
        return str(self.value)
