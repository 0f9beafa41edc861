from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_summary import ModelSummary
    from ..models.montage_use import MontageUse
    from ..models.provenance import Provenance
    from ..models.reliability import Reliability
    from ..models.segment_summary import SegmentSummary
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
        montage (MontageUse | None | Unset):
        reliability (None | Reliability | Unset):
        segments (list[SegmentSummary] | Unset): The summary per segment of the recording that holds a whole window.
    """

    model: str
    labels: list[str]
    window_s: float
    windows: list[WindowPrediction]
    summary: ModelSummary
    warnings: list[str]
    provenance: Provenance
    montage: MontageUse | None | Unset = UNSET
    reliability: None | Reliability | Unset = UNSET
    segments: list[SegmentSummary] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.montage_use import MontageUse  # noqa: PLC0415
        from ..models.reliability import Reliability  # noqa: PLC0415

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

        montage: dict[str, Any] | None | Unset
        if isinstance(self.montage, Unset):
            montage = UNSET
        elif isinstance(self.montage, MontageUse):
            montage = self.montage.to_dict()
        else:
            montage = self.montage

        reliability: dict[str, Any] | None | Unset
        if isinstance(self.reliability, Unset):
            reliability = UNSET
        elif isinstance(self.reliability, Reliability):
            reliability = self.reliability.to_dict()
        else:
            reliability = self.reliability

        segments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.segments, Unset):
            segments = []
            for segments_item_data in self.segments:
                segments_item = segments_item_data.to_dict()
                segments.append(segments_item)

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
        if montage is not UNSET:
            field_dict["montage"] = montage
        if reliability is not UNSET:
            field_dict["reliability"] = reliability
        if segments is not UNSET:
            field_dict["segments"] = segments

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_summary import ModelSummary  # noqa: PLC0415
        from ..models.montage_use import MontageUse  # noqa: PLC0415
        from ..models.provenance import Provenance  # noqa: PLC0415
        from ..models.reliability import Reliability  # noqa: PLC0415
        from ..models.segment_summary import SegmentSummary  # noqa: PLC0415
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

        def _parse_montage(data: object) -> MontageUse | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                montage_type_0 = MontageUse.from_dict(data)

                return montage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MontageUse | None | Unset, data)

        montage = _parse_montage(d.pop("montage", UNSET))

        def _parse_reliability(data: object) -> None | Reliability | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reliability_type_0 = Reliability.from_dict(data)

                return reliability_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Reliability | Unset, data)

        reliability = _parse_reliability(d.pop("reliability", UNSET))

        _segments = d.pop("segments", UNSET)
        segments: list[SegmentSummary] | Unset = UNSET
        if _segments is not UNSET:
            segments = []
            for segments_item_data in _segments:
                segments_item = SegmentSummary.from_dict(segments_item_data)

                segments.append(segments_item)

        model_result = cls(
            model=model,
            labels=labels,
            window_s=window_s,
            windows=windows,
            summary=summary,
            warnings=warnings,
            provenance=provenance,
            montage=montage,
            reliability=reliability,
            segments=segments,
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
