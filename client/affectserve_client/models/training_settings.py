from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TrainingSettings")


@_attrs_define
class TrainingSettings:
    """Optimisation settings of a training.

    Attributes:
        epochs (int | Unset): Passes over the training trials. Default: 20.
        lr (float | Unset): AdamW learning rate. Default: 0.001.
        batch_size (int | Unset):  Default: 32.
        weight_decay (float | Unset):  Default: 0.01.
        seed (int | Unset):  Default: 0.
    """

    epochs: int | Unset = 20
    lr: float | Unset = 0.001
    batch_size: int | Unset = 32
    weight_decay: float | Unset = 0.01
    seed: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        epochs = self.epochs

        lr = self.lr

        batch_size = self.batch_size

        weight_decay = self.weight_decay

        seed = self.seed

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if epochs is not UNSET:
            field_dict["epochs"] = epochs
        if lr is not UNSET:
            field_dict["lr"] = lr
        if batch_size is not UNSET:
            field_dict["batch_size"] = batch_size
        if weight_decay is not UNSET:
            field_dict["weight_decay"] = weight_decay
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        epochs = d.pop("epochs", UNSET)

        lr = d.pop("lr", UNSET)

        batch_size = d.pop("batch_size", UNSET)

        weight_decay = d.pop("weight_decay", UNSET)

        seed = d.pop("seed", UNSET)

        training_settings = cls(
            epochs=epochs,
            lr=lr,
            batch_size=batch_size,
            weight_decay=weight_decay,
            seed=seed,
        )

        return training_settings
