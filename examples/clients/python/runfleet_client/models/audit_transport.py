from enum import StrEnum


class AuditTransport(StrEnum):
    HTTP = "http"
    SSH = "ssh"
    WEBSOCKET = "websocket"

    def __str__(self) -> str:
        return str(self.value)
