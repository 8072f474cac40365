from enum import StrEnum


class ScalerType(StrEnum):
    QUEUE_DELAY = "QUEUE_DELAY"
    REQUEST_COUNT = "REQUEST_COUNT"

    def __str__(self) -> str:
        return str(self.value)
