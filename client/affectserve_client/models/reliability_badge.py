from enum import StrEnum


class ReliabilityBadge(StrEnum):
    AT_CHANCE = "at-chance"
    MODERATE = "moderate"
    STRONG = "strong"
    UNMEASURED = "unmeasured"
    UNTRAINED = "untrained"
    WEAK = "weak"

    def __str__(self) -> str:
        return str(self.value)
