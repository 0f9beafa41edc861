from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.recording_result_models import RecordingResultModels


T = TypeVar("T", bound="RecordingResult")


@_attrs_define
class RecordingResult:
    """All models' predictions for one recording.

    Attributes:
        recording_id (str):
        filename (str):
        models (RecordingResultModels):
    """

    recording_id: str
    filename: str
    models: RecordingResultModels
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        recording_id = self.recording_id

        filename = self.filename

        models = self.models.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "recording_id": recording_id,
                "filename": filename,
                "models": models,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recording_result_models import RecordingResultModels  # noqa: PLC0415

        d = dict(src_dict)
        recording_id = d.pop("recording_id")

        filename = d.pop("filename")

        models = RecordingResultModels.from_dict(d.pop("models"))

        recording_result = cls(
            recording_id=recording_id,
            filename=filename,
            models=models,
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
