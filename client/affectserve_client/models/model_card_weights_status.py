from enum import StrEnum


class ModelCardWeightsStatus(StrEnum):
    NEEDS_WEIGHTS = "needs-weights"
    READY = "ready"

    def __str__(self) -> str:
        return str(self.value)
