from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="JobOptions")


@_attrs_define
class JobOptions:
    """Options of a job.

    Attributes:
        allow_untrained (bool | Unset): Also run models whose weights status is 'needs-weights'. For testing the
            pipeline only: such predictions come from untrained networks and are not results. Default: False.
    """

    allow_untrained: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allow_untrained = self.allow_untrained

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if allow_untrained is not UNSET:
            field_dict["allow_untrained"] = allow_untrained

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allow_untrained = d.pop("allow_untrained", UNSET)

        job_options = cls(
            allow_untrained=allow_untrained,
        )

        job_options.additional_properties = d
        return job_options

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
