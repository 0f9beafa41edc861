from enum import StrEnum


class ModelFeedWeightsStatus(StrEnum):
    NEEDS_WEIGHTS = "needs-weights"
    READY = "ready"

    def __str__(self) -> str:
        return str(self.value)
