from enum import StrEnum


class ApiKeyScope(StrEnum):
    ADMIN = "admin"
    INVOKE = "invoke"
    READ = "read"

    def __str__(self) -> str:
        return str(self.value)
