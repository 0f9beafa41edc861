from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Serving")


@_attrs_define
class Serving:
    """How TorchServe runs the model (the archive's ``model-config.yaml``).

    Attributes:
        workers (int | Unset): Worker processes of this model. Default: 1.
        batch_size (int | Unset): Requests TorchServe joins into one handler call. Default: 1.
        max_batch_delay_ms (int | Unset):  Default: 50.
        response_timeout_s (int | Unset):  Default: 120.
        gpu_id (int | None | Unset): GPU of this model in production; by default the model's index in name order (one
            GPU per model).
    """

    workers: int | Unset = 1
    batch_size: int | Unset = 1
    max_batch_delay_ms: int | Unset = 50
    response_timeout_s: int | Unset = 120
    gpu_id: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        workers = self.workers

        batch_size = self.batch_size

        max_batch_delay_ms = self.max_batch_delay_ms

        response_timeout_s = self.response_timeout_s

        gpu_id: int | None | Unset
        if isinstance(self.gpu_id, Unset):
            gpu_id = UNSET
        else:
            gpu_id = self.gpu_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if workers is not UNSET:
            field_dict["workers"] = workers
        if batch_size is not UNSET:
            field_dict["batch_size"] = batch_size
        if max_batch_delay_ms is not UNSET:
            field_dict["max_batch_delay_ms"] = max_batch_delay_ms
        if response_timeout_s is not UNSET:
            field_dict["response_timeout_s"] = response_timeout_s
        if gpu_id is not UNSET:
            field_dict["gpu_id"] = gpu_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        workers = d.pop("workers", UNSET)

        batch_size = d.pop("batch_size", UNSET)

        max_batch_delay_ms = d.pop("max_batch_delay_ms", UNSET)

        response_timeout_s = d.pop("response_timeout_s", UNSET)

        def _parse_gpu_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        gpu_id = _parse_gpu_id(d.pop("gpu_id", UNSET))

        serving = cls(
            workers=workers,
            batch_size=batch_size,
            max_batch_delay_ms=max_batch_delay_ms,
            response_timeout_s=response_timeout_s,
            gpu_id=gpu_id,
        )

        serving.additional_properties = d
        return serving

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
