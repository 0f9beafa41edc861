from enum import StrEnum


class SegmentSource(StrEnum):
    ANNOTATION = "annotation"
    TRIAL = "trial"
    TRIGGER = "trigger"

    def __str__(self) -> str:
        return str(self.value)
