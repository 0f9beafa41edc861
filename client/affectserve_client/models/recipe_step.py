from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.recipe_step_params import RecipeStepParams


T = TypeVar("T", bound="RecipeStep")


@_attrs_define
class RecipeStep:
    """One step of a preprocessing recipe: a named worker function and its arguments.

    Attributes:
        step (str):
        params (RecipeStepParams | Unset):
    """

    step: str
    params: RecipeStepParams | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        step = self.step

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "step": step,
            }
        )
        if params is not UNSET:
            field_dict["params"] = params

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recipe_step_params import RecipeStepParams  # noqa: PLC0415

        d = dict(src_dict)
        step = d.pop("step")

        _params = d.pop("params", UNSET)
        params: RecipeStepParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = RecipeStepParams.from_dict(_params)

        recipe_step = cls(
            step=step,
            params=params,
        )

        recipe_step.additional_properties = d
        return recipe_step

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
