from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

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

    def to_dict(self) -> dict[str, Any]:
        allow_untrained = self.allow_untrained

        field_dict: dict[str, Any] = {}

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

        return job_options
