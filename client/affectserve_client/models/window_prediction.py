from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.window_prediction_probabilities import WindowPredictionProbabilities


T = TypeVar("T", bound="WindowPrediction")


@_attrs_define
class WindowPrediction:
    """One window's class probabilities and predicted label.

    Attributes:
        start_s (float):
        end_s (float):
        probabilities (WindowPredictionProbabilities):
        label (str):
    """

    start_s: float
    end_s: float
    probabilities: WindowPredictionProbabilities
    label: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start_s = self.start_s

        end_s = self.end_s

        probabilities = self.probabilities.to_dict()

        label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "start_s": start_s,
                "end_s": end_s,
                "probabilities": probabilities,
                "label": label,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.window_prediction_probabilities import WindowPredictionProbabilities  # noqa: PLC0415

        d = dict(src_dict)
        start_s = d.pop("start_s")

        end_s = d.pop("end_s")

        probabilities = WindowPredictionProbabilities.from_dict(d.pop("probabilities"))

        label = d.pop("label")

        window_prediction = cls(
            start_s=start_s,
            end_s=end_s,
            probabilities=probabilities,
            label=label,
        )

        window_prediction.additional_properties = d
        return window_prediction

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
