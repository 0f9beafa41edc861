from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_options import JobOptions


T = TypeVar("T", bound="JobsCreateJsonJobCreate")


@_attrs_define
class JobsCreateJsonJobCreate:
    """A job: run models on uploaded recordings.

    Attributes:
        recording_ids (list[str]):
        models (list[str] | None | Unset): Model names; default: every ready model the recordings can feed.
        options (JobOptions | Unset): Options of a job.
    """

    recording_ids: list[str]
    models: list[str] | None | Unset = UNSET
    options: JobOptions | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        recording_ids = self.recording_ids

        models: list[str] | None | Unset
        if isinstance(self.models, Unset):
            models = UNSET
        elif isinstance(self.models, list):
            models = self.models

        else:
            models = self.models

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "recording_ids": recording_ids,
            }
        )
        if models is not UNSET:
            field_dict["models"] = models
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_options import JobOptions  # noqa: PLC0415

        d = dict(src_dict)
        recording_ids = cast(list[str], d.pop("recording_ids"))

        def _parse_models(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                models_type_0 = cast(list[str], data)

                return models_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        models = _parse_models(d.pop("models", UNSET))

        _options = d.pop("options", UNSET)
        options: JobOptions | Unset
        if isinstance(_options, Unset):
            options = UNSET
        else:
            options = JobOptions.from_dict(_options)

        jobs_create_json_job_create = cls(
            recording_ids=recording_ids,
            models=models,
            options=options,
        )

        jobs_create_json_job_create.additional_properties = d
        return jobs_create_json_job_create

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
