from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_read_state import JobReadState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_options import JobOptions
    from ..models.job_progress import JobProgress
    from ..models.job_read_links import JobReadLinks


T = TypeVar("T", bound="JobRead")


@_attrs_define
class JobRead:
    """A job's state and progress, with links to itself and its result.

    Attributes:
        id (str):
        state (JobReadState):
        recording_ids (list[str]):
        models (list[str]):
        options (JobOptions): Options of a job.
        progress (JobProgress): How far a job has come.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        links (JobReadLinks):
        error (None | str | Unset):
    """

    id: str
    state: JobReadState
    recording_ids: list[str]
    models: list[str]
    options: JobOptions
    progress: JobProgress
    created_at: datetime.datetime
    updated_at: datetime.datetime
    links: JobReadLinks
    error: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        state = self.state.value

        recording_ids = self.recording_ids

        models = self.models

        options = self.options.to_dict()

        progress = self.progress.to_dict()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        links = self.links.to_dict()

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "state": state,
                "recording_ids": recording_ids,
                "models": models,
                "options": options,
                "progress": progress,
                "created_at": created_at,
                "updated_at": updated_at,
                "links": links,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_options import JobOptions  # noqa: PLC0415
        from ..models.job_progress import JobProgress  # noqa: PLC0415
        from ..models.job_read_links import JobReadLinks  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        state = JobReadState(d.pop("state"))

        recording_ids = cast(list[str], d.pop("recording_ids"))

        models = cast(list[str], d.pop("models"))

        options = JobOptions.from_dict(d.pop("options"))

        progress = JobProgress.from_dict(d.pop("progress"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        links = JobReadLinks.from_dict(d.pop("links"))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        job_read = cls(
            id=id,
            state=state,
            recording_ids=recording_ids,
            models=models,
            options=options,
            progress=progress,
            created_at=created_at,
            updated_at=updated_at,
            links=links,
            error=error,
        )

        job_read.additional_properties = d
        return job_read

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
