from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_summary import ModelSummary
    from ..models.provenance import Provenance
    from ..models.window_prediction import WindowPrediction


T = TypeVar("T", bound="ModelResult")


@_attrs_define
class ModelResult:
    """One model's predictions for one recording.

    Attributes:
        model (str):
        labels (list[str]):
        window_s (float):
        windows (list[WindowPrediction]):
        summary (ModelSummary): A model's verdict over the whole recording.
        warnings (list[str]):
        provenance (Provenance): What produced a result.
    """

    model: str
    labels: list[str]
    window_s: float
    windows: list[WindowPrediction]
    summary: ModelSummary
    warnings: list[str]
    provenance: Provenance
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        labels = self.labels

        window_s = self.window_s

        windows = []
        for windows_item_data in self.windows:
            windows_item = windows_item_data.to_dict()
            windows.append(windows_item)

        summary = self.summary.to_dict()

        warnings = self.warnings

        provenance = self.provenance.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "labels": labels,
                "window_s": window_s,
                "windows": windows,
                "summary": summary,
                "warnings": warnings,
                "provenance": provenance,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_summary import ModelSummary  # noqa: PLC0415
        from ..models.provenance import Provenance  # noqa: PLC0415
        from ..models.window_prediction import WindowPrediction  # noqa: PLC0415

        d = dict(src_dict)
        model = d.pop("model")

        labels = cast(list[str], d.pop("labels"))

        window_s = d.pop("window_s")

        windows = []
        _windows = d.pop("windows")
        for windows_item_data in _windows:
            windows_item = WindowPrediction.from_dict(windows_item_data)

            windows.append(windows_item)

        summary = ModelSummary.from_dict(d.pop("summary"))

        warnings = cast(list[str], d.pop("warnings"))

        provenance = Provenance.from_dict(d.pop("provenance"))

        model_result = cls(
            model=model,
            labels=labels,
            window_s=window_s,
            windows=windows,
            summary=summary,
            warnings=warnings,
            provenance=provenance,
        )

        model_result.additional_properties = d
        return model_result

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
