from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.label_source_annotations_type_0 import LabelSourceAnnotationsType0


T = TypeVar("T", bound="LabelSource")


@_attrs_define
class LabelSource:
    """Where one recording's trial labels come from: exactly one of the fields.

    Attributes:
        annotations (LabelSourceAnnotationsType0 | None | Unset): Annotation text -> class; each annotated span
            (EDF+/BDF+) is one trial.
        csv (None | str | Unset): A labels CSV: columns start_s,end_s,label (spans of a continuous recording) or
            trial,label (trials of a trial file such as SEED features).
        label (None | str | Unset): The whole recording is one trial of this class.
        seed_labels (bool | Unset): Read SEED's label.mat, uploaded as a companion file of the features. Default: False.
    """

    annotations: LabelSourceAnnotationsType0 | None | Unset = UNSET
    csv: None | str | Unset = UNSET
    label: None | str | Unset = UNSET
    seed_labels: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        from ..models.label_source_annotations_type_0 import LabelSourceAnnotationsType0  # noqa: PLC0415

        annotations: dict[str, Any] | None | Unset
        if isinstance(self.annotations, Unset):
            annotations = UNSET
        elif isinstance(self.annotations, LabelSourceAnnotationsType0):
            annotations = self.annotations.to_dict()
        else:
            annotations = self.annotations

        csv: None | str | Unset
        if isinstance(self.csv, Unset):
            csv = UNSET
        else:
            csv = self.csv

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        seed_labels = self.seed_labels

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if annotations is not UNSET:
            field_dict["annotations"] = annotations
        if csv is not UNSET:
            field_dict["csv"] = csv
        if label is not UNSET:
            field_dict["label"] = label
        if seed_labels is not UNSET:
            field_dict["seed_labels"] = seed_labels

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.label_source_annotations_type_0 import LabelSourceAnnotationsType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_annotations(data: object) -> LabelSourceAnnotationsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                annotations_type_0 = LabelSourceAnnotationsType0.from_dict(data)

                return annotations_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LabelSourceAnnotationsType0 | None | Unset, data)

        annotations = _parse_annotations(d.pop("annotations", UNSET))

        def _parse_csv(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        csv = _parse_csv(d.pop("csv", UNSET))

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        seed_labels = d.pop("seed_labels", UNSET)

        label_source = cls(
            annotations=annotations,
            csv=csv,
            label=label,
            seed_labels=seed_labels,
        )

        return label_source
