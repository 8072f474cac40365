from enum import StrEnum


class GpuSource(StrEnum):
    DECLARED = "declared"
    DETECTED = "detected"

    def __str__(self) -> str:
        return str(self.value)
