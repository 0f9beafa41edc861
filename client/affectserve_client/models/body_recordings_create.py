from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="BodyRecordingsCreate")


@_attrs_define
class BodyRecordingsCreate:
    """
    Attributes:
        file (File): The recording: EDF, BDF, MAT or EEGLAB .set.
        companions (list[str] | None | Unset): Companion files of the same recording: the EEGLAB .fdt, a face video
            (mp4, avi, mov, mkv), music audio (wav, mp3, flac, ogg) or eye tracking (csv, tsv).
        options (None | str | Unset): JSON object of reader options (UploadOptions).
    """

    file: File
    companions: list[str] | None | Unset = UNSET
    options: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        companions: list[str] | None | Unset
        if isinstance(self.companions, Unset):
            companions = UNSET
        elif isinstance(self.companions, list):
            companions = self.companions

        else:
            companions = self.companions

        options: None | str | Unset
        if isinstance(self.options, Unset):
            options = UNSET
        else:
            options = self.options

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
            }
        )
        if companions is not UNSET:
            field_dict["companions"] = companions
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.companions, Unset):
            if isinstance(self.companions, list):
                for companions_type_0_item_element in self.companions:
                    files.append(("companions", (None, str(companions_type_0_item_element).encode(), "text/plain")))
            else:
                files.append(("companions", (None, str(self.companions).encode(), "text/plain")))

        if not isinstance(self.options, Unset):
            if isinstance(self.options, str):
                files.append(("options", (None, str(self.options).encode(), "text/plain")))
            else:
                files.append(("options", (None, str(self.options).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        def _parse_companions(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                companions_type_0 = cast(list[str], data)

                return companions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        companions = _parse_companions(d.pop("companions", UNSET))

        def _parse_options(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        options = _parse_options(d.pop("options", UNSET))

        body_recordings_create = cls(
            file=file,
            companions=companions,
            options=options,
        )

        body_recordings_create.additional_properties = d
        return body_recordings_create

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
