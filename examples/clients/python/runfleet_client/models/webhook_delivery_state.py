from enum import StrEnum


class WebhookDeliveryState(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    GAVE_UP = "gave_up"

    def __str__(self) -> str:
        return str(self.value)
