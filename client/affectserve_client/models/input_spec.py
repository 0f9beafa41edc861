from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.input_spec_modality import InputSpecModality
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.recipe_step import RecipeStep


T = TypeVar("T", bound="InputSpec")


@_attrs_define
class InputSpec:
    """One input tensor of a model and how it is made from a recording.

    Attributes:
        name (str): Name of the tensor in the request bundle, e.g. 'eeg'.
        modality (InputSpecModality):
        shape (list[int]): Shape of one window's tensor (no batch axis).
        required (bool | Unset):  Default: True.
        montage (None | str | Unset): Name of the channel montage in reference.json.
        sfreq (float | None | Unset): Sampling rate fed to features, Hz.
        window_s (float | None | Unset): Window length, seconds.
        step_s (float | None | Unset): Window step, seconds.
        recipe (list[RecipeStep] | Unset):
    """

    name: str
    modality: InputSpecModality
    shape: list[int]
    required: bool | Unset = True
    montage: None | str | Unset = UNSET
    sfreq: float | None | Unset = UNSET
    window_s: float | None | Unset = UNSET
    step_s: float | None | Unset = UNSET
    recipe: list[RecipeStep] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        modality = self.modality.value

        shape = self.shape

        required = self.required

        montage: None | str | Unset
        if isinstance(self.montage, Unset):
            montage = UNSET
        else:
            montage = self.montage

        sfreq: float | None | Unset
        if isinstance(self.sfreq, Unset):
            sfreq = UNSET
        else:
            sfreq = self.sfreq

        window_s: float | None | Unset
        if isinstance(self.window_s, Unset):
            window_s = UNSET
        else:
            window_s = self.window_s

        step_s: float | None | Unset
        if isinstance(self.step_s, Unset):
            step_s = UNSET
        else:
            step_s = self.step_s

        recipe: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.recipe, Unset):
            recipe = []
            for recipe_item_data in self.recipe:
                recipe_item = recipe_item_data.to_dict()
                recipe.append(recipe_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "modality": modality,
                "shape": shape,
            }
        )
        if required is not UNSET:
            field_dict["required"] = required
        if montage is not UNSET:
            field_dict["montage"] = montage
        if sfreq is not UNSET:
            field_dict["sfreq"] = sfreq
        if window_s is not UNSET:
            field_dict["window_s"] = window_s
        if step_s is not UNSET:
            field_dict["step_s"] = step_s
        if recipe is not UNSET:
            field_dict["recipe"] = recipe

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recipe_step import RecipeStep  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        modality = InputSpecModality(d.pop("modality"))

        shape = cast(list[int], d.pop("shape"))

        required = d.pop("required", UNSET)

        def _parse_montage(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        montage = _parse_montage(d.pop("montage", UNSET))

        def _parse_sfreq(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        sfreq = _parse_sfreq(d.pop("sfreq", UNSET))

        def _parse_window_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        window_s = _parse_window_s(d.pop("window_s", UNSET))

        def _parse_step_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        step_s = _parse_step_s(d.pop("step_s", UNSET))

        _recipe = d.pop("recipe", UNSET)
        recipe: list[RecipeStep] | Unset = UNSET
        if _recipe is not UNSET:
            recipe = []
            for recipe_item_data in _recipe:
                recipe_item = RecipeStep.from_dict(recipe_item_data)

                recipe.append(recipe_item)

        input_spec = cls(
            name=name,
            modality=modality,
            shape=shape,
            required=required,
            montage=montage,
            sfreq=sfreq,
            window_s=window_s,
            step_s=step_s,
            recipe=recipe,
        )

        input_spec.additional_properties = d
        return input_spec

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
