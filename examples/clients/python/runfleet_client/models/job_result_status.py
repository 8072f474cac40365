from enum import StrEnum


class JobResultStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"

    def __str__(self) -> str:
        return str(self.value)
