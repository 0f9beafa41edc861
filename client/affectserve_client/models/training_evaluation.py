from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TrainingEvaluation")


@_attrs_define
class TrainingEvaluation:
    """Trial-grouped cross-validation of a trained model, beside chance and a baseline.

    Attributes:
        protocol (str):
        n_trials (int):
        n_windows (int):
        labels (list[str]):
        accuracy (float): Pooled accuracy over the held-out trials' windows.
        fold_accuracy (list[float]):
        baseline_accuracy (float): z-scored logistic regression on the same folds and windows.
        chance (float): Share of the largest class.
        confusion (list[list[int]]): Rows true class, columns predicted.
        beats_chance (bool):
    """

    protocol: str
    n_trials: int
    n_windows: int
    labels: list[str]
    accuracy: float
    fold_accuracy: list[float]
    baseline_accuracy: float
    chance: float
    confusion: list[list[int]]
    beats_chance: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        protocol = self.protocol

        n_trials = self.n_trials

        n_windows = self.n_windows

        labels = self.labels

        accuracy = self.accuracy

        fold_accuracy = self.fold_accuracy

        baseline_accuracy = self.baseline_accuracy

        chance = self.chance

        confusion = []
        for confusion_item_data in self.confusion:
            confusion_item = confusion_item_data

            confusion.append(confusion_item)

        beats_chance = self.beats_chance

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "protocol": protocol,
                "n_trials": n_trials,
                "n_windows": n_windows,
                "labels": labels,
                "accuracy": accuracy,
                "fold_accuracy": fold_accuracy,
                "baseline_accuracy": baseline_accuracy,
                "chance": chance,
                "confusion": confusion,
                "beats_chance": beats_chance,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        protocol = d.pop("protocol")

        n_trials = d.pop("n_trials")

        n_windows = d.pop("n_windows")

        labels = cast(list[str], d.pop("labels"))

        accuracy = d.pop("accuracy")

        fold_accuracy = cast(list[float], d.pop("fold_accuracy"))

        baseline_accuracy = d.pop("baseline_accuracy")

        chance = d.pop("chance")

        confusion = []
        _confusion = d.pop("confusion")
        for confusion_item_data in _confusion:
            confusion_item = cast(list[int], confusion_item_data)

            confusion.append(confusion_item)

        beats_chance = d.pop("beats_chance")

        training_evaluation = cls(
            protocol=protocol,
            n_trials=n_trials,
            n_windows=n_windows,
            labels=labels,
            accuracy=accuracy,
            fold_accuracy=fold_accuracy,
            baseline_accuracy=baseline_accuracy,
            chance=chance,
            confusion=confusion,
            beats_chance=beats_chance,
        )

        training_evaluation.additional_properties = d
        return training_evaluation

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
