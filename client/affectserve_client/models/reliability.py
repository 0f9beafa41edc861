from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reliability_badge import ReliabilityBadge
from ..types import UNSET, Unset

T = TypeVar("T", bound="Reliability")


@_attrs_define
class Reliability:
    """How far one model's predictions can be trusted, stated beside them.

    Attributes:
        badge (ReliabilityBadge): A word for what the figures say.
        note (str): What the figures mean for this result, in plain language.
        accuracy (float | None | Unset): Measured accuracy for the montage that ran, held-out trials.
        baseline_accuracy (float | None | Unset): z-scored logistic regression on the same split.
        chance (float | None | Unset): Chance level of that measurement.
        dataset (None | str | Unset):
        protocol (None | str | Unset):
    """

    badge: ReliabilityBadge
    note: str
    accuracy: float | None | Unset = UNSET
    baseline_accuracy: float | None | Unset = UNSET
    chance: float | None | Unset = UNSET
    dataset: None | str | Unset = UNSET
    protocol: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        badge = self.badge.value

        note = self.note

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

        chance: float | None | Unset
        if isinstance(self.chance, Unset):
            chance = UNSET
        else:
            chance = self.chance

        dataset: None | str | Unset
        if isinstance(self.dataset, Unset):
            dataset = UNSET
        else:
            dataset = self.dataset

        protocol: None | str | Unset
        if isinstance(self.protocol, Unset):
            protocol = UNSET
        else:
            protocol = self.protocol

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "badge": badge,
                "note": note,
            }
        )
        if accuracy is not UNSET:
            field_dict["accuracy"] = accuracy
        if baseline_accuracy is not UNSET:
            field_dict["baseline_accuracy"] = baseline_accuracy
        if chance is not UNSET:
            field_dict["chance"] = chance
        if dataset is not UNSET:
            field_dict["dataset"] = dataset
        if protocol is not UNSET:
            field_dict["protocol"] = protocol

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        badge = ReliabilityBadge(d.pop("badge"))

        note = d.pop("note")

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

        def _parse_chance(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        chance = _parse_chance(d.pop("chance", UNSET))

        def _parse_dataset(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dataset = _parse_dataset(d.pop("dataset", UNSET))

        def _parse_protocol(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        protocol = _parse_protocol(d.pop("protocol", UNSET))

        reliability = cls(
            badge=badge,
            note=note,
            accuracy=accuracy,
            baseline_accuracy=baseline_accuracy,
            chance=chance,
            dataset=dataset,
            protocol=protocol,
        )

        reliability.additional_properties = d
        return reliability

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
