from enum import StrEnum


class AuditAction(StrEnum):
    WORKER_EXEC = "worker.exec"

    def __str__(self) -> str:
        return str(self.value)
