from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.training_read_state import TrainingReadState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_progress import JobProgress
    from ..models.training_evaluation import TrainingEvaluation
    from ..models.training_read_links import TrainingReadLinks


T = TypeVar("T", bound="TrainingRead")


@_attrs_define
class TrainingRead:
    """A training's state and progress; its evaluation and model version once done.

    Attributes:
        id (str):
        state (TrainingReadState):
        model (str):
        base (None | str):
        recording_ids (list[str]):
        progress (JobProgress): How far a job has come.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        links (TrainingReadLinks):
        error (None | str | Unset):
        evaluation (None | TrainingEvaluation | Unset): Cross-validation by trial with chance and a logistic-regression
            baseline.
        version (None | str | Unset): The trained model version, usable in POST /v1/jobs.
    """

    id: str
    state: TrainingReadState
    model: str
    base: None | str
    recording_ids: list[str]
    progress: JobProgress
    created_at: datetime.datetime
    updated_at: datetime.datetime
    links: TrainingReadLinks
    error: None | str | Unset = UNSET
    evaluation: None | TrainingEvaluation | Unset = UNSET
    version: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.training_evaluation import TrainingEvaluation  # noqa: PLC0415

        id = self.id

        state = self.state.value

        model = self.model

        base: None | str
        base = self.base

        recording_ids = self.recording_ids

        progress = self.progress.to_dict()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        links = self.links.to_dict()

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        evaluation: dict[str, Any] | None | Unset
        if isinstance(self.evaluation, Unset):
            evaluation = UNSET
        elif isinstance(self.evaluation, TrainingEvaluation):
            evaluation = self.evaluation.to_dict()
        else:
            evaluation = self.evaluation

        version: None | str | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "state": state,
                "model": model,
                "base": base,
                "recording_ids": recording_ids,
                "progress": progress,
                "created_at": created_at,
                "updated_at": updated_at,
                "links": links,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error
        if evaluation is not UNSET:
            field_dict["evaluation"] = evaluation
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_progress import JobProgress  # noqa: PLC0415
        from ..models.training_evaluation import TrainingEvaluation  # noqa: PLC0415
        from ..models.training_read_links import TrainingReadLinks  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        state = TrainingReadState(d.pop("state"))

        model = d.pop("model")

        def _parse_base(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        base = _parse_base(d.pop("base"))

        recording_ids = cast(list[str], d.pop("recording_ids"))

        progress = JobProgress.from_dict(d.pop("progress"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        links = TrainingReadLinks.from_dict(d.pop("links"))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_evaluation(data: object) -> None | TrainingEvaluation | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                evaluation_type_0 = TrainingEvaluation.from_dict(data)

                return evaluation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrainingEvaluation | Unset, data)

        evaluation = _parse_evaluation(d.pop("evaluation", UNSET))

        def _parse_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        training_read = cls(
            id=id,
            state=state,
            model=model,
            base=base,
            recording_ids=recording_ids,
            progress=progress,
            created_at=created_at,
            updated_at=updated_at,
            links=links,
            error=error,
            evaluation=evaluation,
            version=version,
        )

        training_read.additional_properties = d
        return training_read

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
