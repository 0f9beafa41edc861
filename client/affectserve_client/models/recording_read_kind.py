from enum import StrEnum


class RecordingReadKind(StrEnum):
    FEATURES = "features"
    SIGNALS = "signals"

    def __str__(self) -> str:
        return str(self.value)
