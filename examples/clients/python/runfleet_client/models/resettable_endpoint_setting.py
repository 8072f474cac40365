from enum import StrEnum


class ResettableEndpointSetting(StrEnum):
    COMPUTETYPE = "computeType"
    DRIVER = "driver"
    ENV = "env"
    EXECUTIONTIMEOUTMS = "executionTimeoutMs"
    FLASHBOOT = "flashboot"
    GPUCOUNT = "gpuCount"
    GPUTYPEIDS = "gpuTypeIds"
    IDLETIMEOUT = "idleTimeout"
    SCALERTYPE = "scalerType"
    SCALERVALUE = "scalerValue"
    SECRETENV = "secretEnv"
    TYPE = "type"
    WORKERSMAX = "workersMax"
    WORKERSMIN = "workersMin"

    def __str__(self) -> str:
        return str(self.value)
