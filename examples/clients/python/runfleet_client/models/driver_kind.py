from enum import StrEnum


class DriverKind(StrEnum):
    DOCKER = "docker"
    KUBERNETES = "kubernetes"
    PROCESS = "process"

    def __str__(self) -> str:
        return str(self.value)
