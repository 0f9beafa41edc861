from enum import StrEnum


class ModelReadWeightsStatus(StrEnum):
    NEEDS_WEIGHTS = "needs-weights"
    READY = "ready"

    def __str__(self) -> str:
        return str(self.value)
