from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

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

        return jobs_create_json_job_create
