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
        figures (bool | Unset): Draw the job's figures (PNG and SVG, `/v1/jobs/{id}/plots`) after its result. false: the
            job succeeds as soon as its result is stored and has no figures, for clients that read only the result (a worker
            then runs several times more jobs a minute). Default: True.
    """

    allow_untrained: bool | Unset = False
    figures: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        allow_untrained = self.allow_untrained

        figures = self.figures

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if allow_untrained is not UNSET:
            field_dict["allow_untrained"] = allow_untrained
        if figures is not UNSET:
            field_dict["figures"] = figures

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allow_untrained = d.pop("allow_untrained", UNSET)

        figures = d.pop("figures", UNSET)

        job_options = cls(
            allow_untrained=allow_untrained,
            figures=figures,
        )

        return job_options
