from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.model_feed_weights_status import ModelFeedWeightsStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.montage_use import MontageUse


T = TypeVar("T", bound="ModelFeed")


@_attrs_define
class ModelFeed:
    """Whether a recording can feed a model, and through which of its montages.

    Attributes:
        model (str):
        can_feed (bool):
        weights_status (ModelFeedWeightsStatus):
        reason (str | Unset):  Default: ''.
        montage (MontageUse | None | Unset): The accepted montage the EEG input would run through, with the channels
            missing and interpolated (null without EEG input or when refused).
    """

    model: str
    can_feed: bool
    weights_status: ModelFeedWeightsStatus
    reason: str | Unset = ""
    montage: MontageUse | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.montage_use import MontageUse  # noqa: PLC0415

        model = self.model

        can_feed = self.can_feed

        weights_status = self.weights_status.value

        reason = self.reason

        montage: dict[str, Any] | None | Unset
        if isinstance(self.montage, Unset):
            montage = UNSET
        elif isinstance(self.montage, MontageUse):
            montage = self.montage.to_dict()
        else:
            montage = self.montage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "can_feed": can_feed,
                "weights_status": weights_status,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason
        if montage is not UNSET:
            field_dict["montage"] = montage

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.montage_use import MontageUse  # noqa: PLC0415

        d = dict(src_dict)
        model = d.pop("model")

        can_feed = d.pop("can_feed")

        weights_status = ModelFeedWeightsStatus(d.pop("weights_status"))

        reason = d.pop("reason", UNSET)

        def _parse_montage(data: object) -> MontageUse | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                montage_type_0 = MontageUse.from_dict(data)

                return montage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MontageUse | None | Unset, data)

        montage = _parse_montage(d.pop("montage", UNSET))

        model_feed = cls(
            model=model,
            can_feed=can_feed,
            weights_status=weights_status,
            reason=reason,
            montage=montage,
        )

        model_feed.additional_properties = d
        return model_feed

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
