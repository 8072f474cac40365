from enum import StrEnum


class AuditOutcome(StrEnum):
    CANCELLED = "cancelled"
    EXITED = "exited"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
