from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="JobsCreateFilesBody")


@_attrs_define
class JobsCreateFilesBody:
    """
    Attributes:
        file (list[File]):
        models (str | Unset): Comma-separated model names.
        allow_untrained (bool | Unset):
        figures (bool | Unset):  Default: True.
    """

    file: list[File]
    models: str | Unset = UNSET
    allow_untrained: bool | Unset = UNSET
    figures: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = []
        for file_item_data in self.file:
            file_item = file_item_data.to_tuple()

            file.append(file_item)

        models = self.models

        allow_untrained = self.allow_untrained

        figures = self.figures

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
            }
        )
        if models is not UNSET:
            field_dict["models"] = models
        if allow_untrained is not UNSET:
            field_dict["allow_untrained"] = allow_untrained
        if figures is not UNSET:
            field_dict["figures"] = figures

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        for file_item_element in self.file:
            files.append(("file", file_item_element.to_tuple()))

        if not isinstance(self.models, Unset):
            files.append(("models", (None, str(self.models).encode(), "text/plain")))

        if not isinstance(self.allow_untrained, Unset):
            files.append(("allow_untrained", (None, str(self.allow_untrained).encode(), "text/plain")))

        if not isinstance(self.figures, Unset):
            files.append(("figures", (None, str(self.figures).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = []
        _file = d.pop("file")
        for file_item_data in _file:
            file_item = File(payload=BytesIO(file_item_data))

            file.append(file_item)

        models = d.pop("models", UNSET)

        allow_untrained = d.pop("allow_untrained", UNSET)

        figures = d.pop("figures", UNSET)

        jobs_create_files_body = cls(
            file=file,
            models=models,
            allow_untrained=allow_untrained,
            figures=figures,
        )

        jobs_create_files_body.additional_properties = d
        return jobs_create_files_body

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
