from enum import StrEnum


class WorkerHealthReport(StrEnum):
    UNHEALTHY = "unhealthy"

    def __str__(self) -> str:
        return str(self.value)
