from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.agreement_dominant import AgreementDominant


T = TypeVar("T", bound="Agreement")


@_attrs_define
class Agreement:
    """How far models with the same labels agree on one recording (`core.reliability`).

    Attributes:
        models (list[str]): The models compared (all with the same labels).
        n_windows (int): Windows that every one of them predicted (same start).
        share (float | None): Share of those windows on which all of them name the same label; None without any.
        dominant (AgreementDominant): Each model's dominant label over the recording.
        disagree (bool): True when the models' dominant labels differ, or most windows disagree.
    """

    models: list[str]
    n_windows: int
    share: float | None
    dominant: AgreementDominant
    disagree: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        models = self.models

        n_windows = self.n_windows

        share: float | None
        share = self.share

        dominant = self.dominant.to_dict()

        disagree = self.disagree

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "models": models,
                "n_windows": n_windows,
                "share": share,
                "dominant": dominant,
                "disagree": disagree,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agreement_dominant import AgreementDominant  # noqa: PLC0415

        d = dict(src_dict)
        models = cast(list[str], d.pop("models"))

        n_windows = d.pop("n_windows")

        def _parse_share(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        share = _parse_share(d.pop("share"))

        dominant = AgreementDominant.from_dict(d.pop("dominant"))

        disagree = d.pop("disagree")

        agreement = cls(
            models=models,
            n_windows=n_windows,
            share=share,
            dominant=dominant,
            disagree=disagree,
        )

        agreement.additional_properties = d
        return agreement

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
