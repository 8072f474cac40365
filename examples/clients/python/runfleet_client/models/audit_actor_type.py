from enum import StrEnum


class AuditActorType(StrEnum):
    APIKEY = "apiKey"
    SSHKEY = "sshKey"

    def __str__(self) -> str:
        return str(self.value)
