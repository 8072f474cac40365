from enum import StrEnum


class ComputeType(StrEnum):
    CPU = "CPU"
    GPU = "GPU"

    def __str__(self) -> str:
        return str(self.value)
