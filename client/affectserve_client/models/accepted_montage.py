from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AcceptedMontage")


@_attrs_define
class AcceptedMontage:
    """A montage a model accepts: its channels, the devices that record it, its accuracy.

    Attributes:
        montage (str): Name of the montage in reference.json.
        channels (list[str]): The montage's electrodes (10-05 names).
        devices (list[str]): Devices and caps that record these electrodes.
        accuracy (float | None | Unset): Accuracy on held-out trials with only these channels.
        baseline_accuracy (float | None | Unset): z-scored logistic regression on the same channels, windows and split.
        chance (float | None | Unset): Chance level (null: unmeasured).
        dataset (str | Unset):  Default: ''.
        protocol (str | Unset):  Default: ''.
    """

    montage: str
    channels: list[str]
    devices: list[str]
    accuracy: float | None | Unset = UNSET
    baseline_accuracy: float | None | Unset = UNSET
    chance: float | None | Unset = UNSET
    dataset: str | Unset = ""
    protocol: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        montage = self.montage

        channels = self.channels

        devices = self.devices

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

        dataset = self.dataset

        protocol = self.protocol

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "montage": montage,
                "channels": channels,
                "devices": devices,
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
        montage = d.pop("montage")

        channels = cast(list[str], d.pop("channels"))

        devices = cast(list[str], d.pop("devices"))

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

        dataset = d.pop("dataset", UNSET)

        protocol = d.pop("protocol", UNSET)

        accepted_montage = cls(
            montage=montage,
            channels=channels,
            devices=devices,
            accuracy=accuracy,
            baseline_accuracy=baseline_accuracy,
            chance=chance,
            dataset=dataset,
            protocol=protocol,
        )

        accepted_montage.additional_properties = d
        return accepted_montage

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
