from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.segment_source import SegmentSource

T = TypeVar("T", bound="Segment")


@_attrs_define
class Segment:
    """A stretch of a recording that its annotations, events or trials name.

    Unlabelled: the labelled trials a training learns from are `signals.labels.Segment`.

        Attributes:
            name (str): The annotation's text, trigger value or trial key.
            start_s (float): Start, seconds from the start of the recording.
            end_s (float): End, seconds from the start of the recording.
            source (SegmentSource): Where it comes from: an annotation or event of the file (EDF+/BDF+, EEGLAB), a code on
                its trigger (Status) channel, or a trial of a feature file. A marker without duration runs until the next
                marker.
    """

    name: str
    start_s: float
    end_s: float
    source: SegmentSource
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        start_s = self.start_s

        end_s = self.end_s

        source = self.source.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "start_s": start_s,
                "end_s": end_s,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        start_s = d.pop("start_s")

        end_s = d.pop("end_s")

        source = SegmentSource(d.pop("source"))

        segment = cls(
            name=name,
            start_s=start_s,
            end_s=end_s,
            source=source,
        )

        segment.additional_properties = d
        return segment

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
