from enum import StrEnum


class PlotsGetName(StrEnum):
    AGREEMENT = "agreement"
    EDA = "eda"
    SUMMARY = "summary"
    TIMELINE = "timeline"
    TOPOMAP = "topomap"

    def __str__(self) -> str:
        return str(self.value)
