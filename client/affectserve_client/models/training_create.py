from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.training_create_labels import TrainingCreateLabels
    from ..models.training_settings import TrainingSettings


T = TypeVar("T", bound="TrainingCreate")


@_attrs_define
class TrainingCreate:
    """A training: a model version fitted on uploaded recordings and their labels.

    Attributes:
        model (str): Architecture to train (a shipped model's name).
        labels (TrainingCreateLabels): Per uploaded recording id, where its trial labels come from.
        base (Literal['shipped'] | None | Unset): 'shipped': start from the shipped weights (calibration); none: from a
            random initialisation.
        settings (TrainingSettings | Unset): Optimisation settings of a training.
    """

    model: str
    labels: TrainingCreateLabels
    base: Literal["shipped"] | None | Unset = UNSET
    settings: TrainingSettings | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        labels = self.labels.to_dict()

        base: Literal["shipped"] | None | Unset
        if isinstance(self.base, Unset):
            base = UNSET
        else:
            base = self.base

        settings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.settings, Unset):
            settings = self.settings.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "labels": labels,
            }
        )
        if base is not UNSET:
            field_dict["base"] = base
        if settings is not UNSET:
            field_dict["settings"] = settings

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.training_create_labels import TrainingCreateLabels  # noqa: PLC0415
        from ..models.training_settings import TrainingSettings  # noqa: PLC0415

        d = dict(src_dict)
        model = d.pop("model")

        labels = TrainingCreateLabels.from_dict(d.pop("labels"))

        def _parse_base(data: object) -> Literal["shipped"] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            base_type_0 = cast(Literal["shipped"], data)
            if base_type_0 != "shipped":
                raise ValueError(f"base_type_0 must match const 'shipped', got '{base_type_0}'")
            return base_type_0
            return cast(Literal["shipped"] | None | Unset, data)

        base = _parse_base(d.pop("base", UNSET))

        _settings = d.pop("settings", UNSET)
        settings: TrainingSettings | Unset
        if isinstance(_settings, Unset):
            settings = UNSET
        else:
            settings = TrainingSettings.from_dict(_settings)

        training_create = cls(
            model=model,
            labels=labels,
            base=base,
            settings=settings,
        )

        return training_create
