from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MontageFigure")


@_attrs_define
class MontageFigure:
    """A montage (channel subset of the model's input montage) the model accepts, and how
    well the model does on it, measured on held-out trials beside a linear baseline.

    A recording feeds the model through the largest accepted montage whose channels it has
    (after channel-name aliases and interpolation); the model's other input channels are
    filled as "missing" (zero after the training normalisation), exactly as in training.

        Attributes:
            montage (str): Name of the montage in reference.json.
            chance (float): Chance level: share of the largest class in the test.
            accuracy (float | None | Unset): Accuracy on held-out trials with only these channels.
            baseline_accuracy (float | None | Unset): z-scored logistic regression on the same channels, windows and split.
            dataset (str | Unset):  Default: ''.
            protocol (str | Unset):  Default: ''.
    """

    montage: str
    chance: float
    accuracy: float | None | Unset = UNSET
    baseline_accuracy: float | None | Unset = UNSET
    dataset: str | Unset = ""
    protocol: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        montage = self.montage

        chance = self.chance

        accuracy: float | None | Unset
        if isinstance(self.accuracy, Unset):
            accuracy = UNSET
        else:
            accuracy = self.accuracy

        baseline_accuracy: float | None | Unset
        if isinstance(self.baseline_accuracy, Unset):
            baseline_accuracy = UNSET
        else:
            baseline_accuracy = self.baseline_accuracy

        dataset = self.dataset

        protocol = self.protocol

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "montage": montage,
                "chance": chance,
            }
        )
        if accuracy is not UNSET:
            field_dict["accuracy"] = accuracy
        if baseline_accuracy is not UNSET:
            field_dict["baseline_accuracy"] = baseline_accuracy
        if dataset is not UNSET:
            field_dict["dataset"] = dataset
        if protocol is not UNSET:
            field_dict["protocol"] = protocol

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        montage = d.pop("montage")

        chance = d.pop("chance")

        def _parse_accuracy(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        accuracy = _parse_accuracy(d.pop("accuracy", UNSET))

        def _parse_baseline_accuracy(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        baseline_accuracy = _parse_baseline_accuracy(d.pop("baseline_accuracy", UNSET))

        dataset = d.pop("dataset", UNSET)

        protocol = d.pop("protocol", UNSET)

        montage_figure = cls(
            montage=montage,
            chance=chance,
            accuracy=accuracy,
            baseline_accuracy=baseline_accuracy,
            dataset=dataset,
            protocol=protocol,
        )

        montage_figure.additional_properties = d
        return montage_figure

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
