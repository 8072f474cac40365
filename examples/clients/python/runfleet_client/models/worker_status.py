from enum import StrEnum


class WorkerStatus(StrEnum):
    IDLE = "IDLE"
    INITIALIZING = "INITIALIZING"
    RUNNING = "RUNNING"
    STANDBY = "STANDBY"
    STOPPING = "STOPPING"
    THROTTLED = "THROTTLED"
    UNHEALTHY = "UNHEALTHY"

    def __str__(self) -> str:
        return str(self.value)
