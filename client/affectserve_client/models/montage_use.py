from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.montage_use_interpolated import MontageUseInterpolated


T = TypeVar("T", bound="MontageUse")


@_attrs_define
class MontageUse:
    """Which montage fed a model, and which of its channels were not recorded.

    Attributes:
        montage (str): Accepted montage (reference.json name) that ran.
        channels (list[str]): Model input channels taken from the recording.
        missing (list[str] | Unset): Model input channels filled as missing.
        interpolated (MontageUseInterpolated | Unset): Interpolated channel -> distance to the nearest recorded
            electrode, mm.
    """

    montage: str
    channels: list[str]
    missing: list[str] | Unset = UNSET
    interpolated: MontageUseInterpolated | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        montage = self.montage

        channels = self.channels

        missing: list[str] | Unset = UNSET
        if not isinstance(self.missing, Unset):
            missing = self.missing

        interpolated: dict[str, Any] | Unset = UNSET
        if not isinstance(self.interpolated, Unset):
            interpolated = self.interpolated.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "montage": montage,
                "channels": channels,
            }
        )
        if missing is not UNSET:
            field_dict["missing"] = missing
        if interpolated is not UNSET:
            field_dict["interpolated"] = interpolated

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.montage_use_interpolated import MontageUseInterpolated  # noqa: PLC0415

        d = dict(src_dict)
        montage = d.pop("montage")

        channels = cast(list[str], d.pop("channels"))

        missing = cast(list[str], d.pop("missing", UNSET))

        _interpolated = d.pop("interpolated", UNSET)
        interpolated: MontageUseInterpolated | Unset
        if isinstance(_interpolated, Unset):
            interpolated = UNSET
        else:
            interpolated = MontageUseInterpolated.from_dict(_interpolated)

        montage_use = cls(
            montage=montage,
            channels=channels,
            missing=missing,
            interpolated=interpolated,
        )

        montage_use.additional_properties = d
        return montage_use

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
