from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="JobProgress")


@_attrs_define
class JobProgress:
    """How far a job has come.

    Attributes:
        stage (str | Unset):  Default: 'queued'.
        done (float | Unset):  Default: 0.0.
        total (int | Unset):  Default: 0.
        percent (float | Unset):  Default: 0.0.
        message (None | str | Unset): What the job is waiting for, when it waits (the model server or the job queue
            unreachable, its worker lost); absent while it simply works.
    """

    stage: str | Unset = "queued"
    done: float | Unset = 0.0
    total: int | Unset = 0
    percent: float | Unset = 0.0
    message: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        stage = self.stage

        done = self.done

        total = self.total

        percent = self.percent

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if stage is not UNSET:
            field_dict["stage"] = stage
        if done is not UNSET:
            field_dict["done"] = done
        if total is not UNSET:
            field_dict["total"] = total
        if percent is not UNSET:
            field_dict["percent"] = percent
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        stage = d.pop("stage", UNSET)

        done = d.pop("done", UNSET)

        total = d.pop("total", UNSET)

        percent = d.pop("percent", UNSET)

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        job_progress = cls(
            stage=stage,
            done=done,
            total=total,
            percent=percent,
            message=message,
        )

        job_progress.additional_properties = d
        return job_progress

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
