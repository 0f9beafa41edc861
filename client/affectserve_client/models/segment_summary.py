from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.segment_summary_label_counts import SegmentSummaryLabelCounts
    from ..models.segment_summary_mean_probabilities import SegmentSummaryMeanProbabilities


T = TypeVar("T", bound="SegmentSummary")


@_attrs_define
class SegmentSummary:
    """A model's verdict over the windows that lie wholly inside one segment.

    Attributes:
        n_windows (int):
        label_counts (SegmentSummaryLabelCounts):
        mean_probabilities (SegmentSummaryMeanProbabilities):
        dominant_label (str):
        segment (int): Position of the segment in the recording's `segments`.
    """

    n_windows: int
    label_counts: SegmentSummaryLabelCounts
    mean_probabilities: SegmentSummaryMeanProbabilities
    dominant_label: str
    segment: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        n_windows = self.n_windows

        label_counts = self.label_counts.to_dict()

        mean_probabilities = self.mean_probabilities.to_dict()

        dominant_label = self.dominant_label

        segment = self.segment

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "n_windows": n_windows,
                "label_counts": label_counts,
                "mean_probabilities": mean_probabilities,
                "dominant_label": dominant_label,
                "segment": segment,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.segment_summary_label_counts import SegmentSummaryLabelCounts  # noqa: PLC0415
        from ..models.segment_summary_mean_probabilities import SegmentSummaryMeanProbabilities  # noqa: PLC0415

        d = dict(src_dict)
        n_windows = d.pop("n_windows")

        label_counts = SegmentSummaryLabelCounts.from_dict(d.pop("label_counts"))

        mean_probabilities = SegmentSummaryMeanProbabilities.from_dict(d.pop("mean_probabilities"))

        dominant_label = d.pop("dominant_label")

        segment = d.pop("segment")

        segment_summary = cls(
            n_windows=n_windows,
            label_counts=label_counts,
            mean_probabilities=mean_probabilities,
            dominant_label=dominant_label,
            segment=segment,
        )

        segment_summary.additional_properties = d
        return segment_summary

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
