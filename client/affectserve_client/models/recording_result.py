from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.agreement import Agreement
    from ..models.recording_result_models import RecordingResultModels
    from ..models.segment import Segment


T = TypeVar("T", bound="RecordingResult")


@_attrs_define
class RecordingResult:
    """All models' predictions for one recording.

    Attributes:
        recording_id (str):
        filename (str):
        models (RecordingResultModels):
        segments (list[Segment] | Unset): The recording's annotated segments or trials, in time order.
        agreement (list[Agreement] | Unset): Per group of two or more models with the same labels, how far they agree;
            `disagree` flags a group not to rely on.
    """

    recording_id: str
    filename: str
    models: RecordingResultModels
    segments: list[Segment] | Unset = UNSET
    agreement: list[Agreement] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        recording_id = self.recording_id

        filename = self.filename

        models = self.models.to_dict()

        segments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.segments, Unset):
            segments = []
            for segments_item_data in self.segments:
                segments_item = segments_item_data.to_dict()
                segments.append(segments_item)

        agreement: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.agreement, Unset):
            agreement = []
            for agreement_item_data in self.agreement:
                agreement_item = agreement_item_data.to_dict()
                agreement.append(agreement_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "recording_id": recording_id,
                "filename": filename,
                "models": models,
            }
        )
        if segments is not UNSET:
            field_dict["segments"] = segments
        if agreement is not UNSET:
            field_dict["agreement"] = agreement

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agreement import Agreement  # noqa: PLC0415
        from ..models.recording_result_models import RecordingResultModels  # noqa: PLC0415
        from ..models.segment import Segment  # noqa: PLC0415

        d = dict(src_dict)
        recording_id = d.pop("recording_id")

        filename = d.pop("filename")

        models = RecordingResultModels.from_dict(d.pop("models"))

        _segments = d.pop("segments", UNSET)
        segments: list[Segment] | Unset = UNSET
        if _segments is not UNSET:
            segments = []
            for segments_item_data in _segments:
                segments_item = Segment.from_dict(segments_item_data)

                segments.append(segments_item)

        _agreement = d.pop("agreement", UNSET)
        agreement: list[Agreement] | Unset = UNSET
        if _agreement is not UNSET:
            agreement = []
            for agreement_item_data in _agreement:
                agreement_item = Agreement.from_dict(agreement_item_data)

                agreement.append(agreement_item)

        recording_result = cls(
            recording_id=recording_id,
            filename=filename,
            models=models,
            segments=segments,
            agreement=agreement,
        )

        recording_result.additional_properties = d
        return recording_result

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
