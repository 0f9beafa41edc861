from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.model_feed_weights_status import ModelFeedWeightsStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelFeed")


@_attrs_define
class ModelFeed:
    """Whether a recording can feed a model.

    Attributes:
        model (str):
        can_feed (bool):
        weights_status (ModelFeedWeightsStatus):
        reason (str | Unset):  Default: ''.
    """

    model: str
    can_feed: bool
    weights_status: ModelFeedWeightsStatus
    reason: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        can_feed = self.can_feed

        weights_status = self.weights_status.value

        reason = self.reason

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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        model = d.pop("model")

        can_feed = d.pop("can_feed")

        weights_status = ModelFeedWeightsStatus(d.pop("weights_status"))

        reason = d.pop("reason", UNSET)

        model_feed = cls(
            model=model,
            can_feed=can_feed,
            weights_status=weights_status,
            reason=reason,
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
