from enum import StrEnum


class ResettableTemplateSetting(StrEnum):
    COMMAND = "command"
    CONTAINERDISKINGB = "containerDiskInGb"
    CONTAINERREGISTRYAUTHID = "containerRegistryAuthId"
    CPULIMIT = "cpuLimit"
    ENV = "env"
    IMAGENAME = "imageName"
    MEMORYLIMITMB = "memoryLimitMb"
    PORTS = "ports"
    SECRETENV = "secretEnv"
    VOLUMEMOUNTS = "volumeMounts"

    def __str__(self) -> str:
        return str(self.value)
