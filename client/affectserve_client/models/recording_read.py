from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.recording_read_kind import RecordingReadKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.gap_read import GapRead
    from ..models.model_feed import ModelFeed


T = TypeVar("T", bound="RecordingRead")


@_attrs_define
class RecordingRead:
    """An uploaded recording and what was read from its header.

    Attributes:
        id (str):
        filename (str):
        format_ (str):
        channel_names (list[str]):
        channel_types (list[str]):
        sfreq (float): Sampling rate the signals are read at, Hz.
        channel_sfreqs (list[float]): Stored rate of each signal, Hz.
        duration_s (float):
        n_annotations (int):
        warnings (list[str]):
        models (list[ModelFeed]):
        created_at (datetime.datetime):
        kind (RecordingReadKind | Unset):  Default: RecordingReadKind.SIGNALS.
        gaps (list[GapRead] | Unset):
        feature_keys (list[str] | Unset):
        n_trials (int | Unset):  Default: 1.
        montage (None | str | Unset): MNE montage placing the electrodes (the montage option or a recognised BioSemi
            cap); null when the labels are 10-05 names.
        companions (list[str] | Unset): Names of companion files.
    """

    id: str
    filename: str
    format_: str
    channel_names: list[str]
    channel_types: list[str]
    sfreq: float
    channel_sfreqs: list[float]
    duration_s: float
    n_annotations: int
    warnings: list[str]
    models: list[ModelFeed]
    created_at: datetime.datetime
    kind: RecordingReadKind | Unset = RecordingReadKind.SIGNALS
    gaps: list[GapRead] | Unset = UNSET
    feature_keys: list[str] | Unset = UNSET
    n_trials: int | Unset = 1
    montage: None | str | Unset = UNSET
    companions: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        filename = self.filename

        format_ = self.format_

        channel_names = self.channel_names

        channel_types = self.channel_types

        sfreq = self.sfreq

        channel_sfreqs = self.channel_sfreqs

        duration_s = self.duration_s

        n_annotations = self.n_annotations

        warnings = self.warnings

        models = []
        for models_item_data in self.models:
            models_item = models_item_data.to_dict()
            models.append(models_item)

        created_at = self.created_at.isoformat()

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        gaps: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.gaps, Unset):
            gaps = []
            for gaps_item_data in self.gaps:
                gaps_item = gaps_item_data.to_dict()
                gaps.append(gaps_item)

        feature_keys: list[str] | Unset = UNSET
        if not isinstance(self.feature_keys, Unset):
            feature_keys = self.feature_keys

        n_trials = self.n_trials

        montage: None | str | Unset
        if isinstance(self.montage, Unset):
            montage = UNSET
        else:
            montage = self.montage

        companions: list[str] | Unset = UNSET
        if not isinstance(self.companions, Unset):
            companions = self.companions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "filename": filename,
                "format": format_,
                "channel_names": channel_names,
                "channel_types": channel_types,
                "sfreq": sfreq,
                "channel_sfreqs": channel_sfreqs,
                "duration_s": duration_s,
                "n_annotations": n_annotations,
                "warnings": warnings,
                "models": models,
                "created_at": created_at,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind
        if gaps is not UNSET:
            field_dict["gaps"] = gaps
        if feature_keys is not UNSET:
            field_dict["feature_keys"] = feature_keys
        if n_trials is not UNSET:
            field_dict["n_trials"] = n_trials
        if montage is not UNSET:
            field_dict["montage"] = montage
        if companions is not UNSET:
            field_dict["companions"] = companions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gap_read import GapRead  # noqa: PLC0415
        from ..models.model_feed import ModelFeed  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        filename = d.pop("filename")

        format_ = d.pop("format")

        channel_names = cast(list[str], d.pop("channel_names"))

        channel_types = cast(list[str], d.pop("channel_types"))

        sfreq = d.pop("sfreq")

        channel_sfreqs = cast(list[float], d.pop("channel_sfreqs"))

        duration_s = d.pop("duration_s")

        n_annotations = d.pop("n_annotations")

        warnings = cast(list[str], d.pop("warnings"))

        models = []
        _models = d.pop("models")
        for models_item_data in _models:
            models_item = ModelFeed.from_dict(models_item_data)

            models.append(models_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        _kind = d.pop("kind", UNSET)
        kind: RecordingReadKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = RecordingReadKind(_kind)

        _gaps = d.pop("gaps", UNSET)
        gaps: list[GapRead] | Unset = UNSET
        if _gaps is not UNSET:
            gaps = []
            for gaps_item_data in _gaps:
                gaps_item = GapRead.from_dict(gaps_item_data)

                gaps.append(gaps_item)

        feature_keys = cast(list[str], d.pop("feature_keys", UNSET))

        n_trials = d.pop("n_trials", UNSET)

        def _parse_montage(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        montage = _parse_montage(d.pop("montage", UNSET))

        companions = cast(list[str], d.pop("companions", UNSET))

        recording_read = cls(
            id=id,
            filename=filename,
            format_=format_,
            channel_names=channel_names,
            channel_types=channel_types,
            sfreq=sfreq,
            channel_sfreqs=channel_sfreqs,
            duration_s=duration_s,
            n_annotations=n_annotations,
            warnings=warnings,
            models=models,
            created_at=created_at,
            kind=kind,
            gaps=gaps,
            feature_keys=feature_keys,
            n_trials=n_trials,
            montage=montage,
            companions=companions,
        )

        recording_read.additional_properties = d
        return recording_read

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
