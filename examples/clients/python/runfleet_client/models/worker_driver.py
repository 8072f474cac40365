from enum import StrEnum


class WorkerDriver(StrEnum):
    DOCKER = "docker"
    EXTERNAL = "external"
    KUBERNETES = "kubernetes"
    PROCESS = "process"

    def __str__(self) -> str:
        return str(self.value)
