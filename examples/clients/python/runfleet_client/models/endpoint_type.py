from enum import StrEnum


class EndpointType(StrEnum):
    LOAD_BALANCER = "LOAD_BALANCER"
    QUEUE = "QUEUE"

    def __str__(self) -> str:
        return str(self.value)
