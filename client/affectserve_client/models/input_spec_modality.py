from enum import StrEnum


class InputSpecModality(StrEnum):
    EDA = "eda"
    EEG = "eeg"
    EYE = "eye"
    FACE = "face"
    MUSIC = "music"

    def __str__(self) -> str:
        return str(self.value)
