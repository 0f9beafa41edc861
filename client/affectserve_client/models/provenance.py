from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provenance_weights_status import ProvenanceWeightsStatus

if TYPE_CHECKING:
    from ..models.provenance_packages import ProvenancePackages
    from ..models.provenance_recipe import ProvenanceRecipe


T = TypeVar("T", bound="Provenance")


@_attrs_define
class Provenance:
    """What produced a result.

    Attributes:
        model_version (str):
        weights_status (ProvenanceWeightsStatus):
        weights_sha256 (None | str):
        recipe (ProvenanceRecipe):
        packages (ProvenancePackages):
        backend (str):
    """

    model_version: str
    weights_status: ProvenanceWeightsStatus
    weights_sha256: None | str
    recipe: ProvenanceRecipe
    packages: ProvenancePackages
    backend: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model_version = self.model_version

        weights_status = self.weights_status.value

        weights_sha256: None | str
        weights_sha256 = self.weights_sha256

        recipe = self.recipe.to_dict()

        packages = self.packages.to_dict()

        backend = self.backend

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model_version": model_version,
                "weights_status": weights_status,
                "weights_sha256": weights_sha256,
                "recipe": recipe,
                "packages": packages,
                "backend": backend,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.provenance_packages import ProvenancePackages  # noqa: PLC0415
        from ..models.provenance_recipe import ProvenanceRecipe  # noqa: PLC0415

        d = dict(src_dict)
        model_version = d.pop("model_version")

        weights_status = ProvenanceWeightsStatus(d.pop("weights_status"))

        def _parse_weights_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        weights_sha256 = _parse_weights_sha256(d.pop("weights_sha256"))

        recipe = ProvenanceRecipe.from_dict(d.pop("recipe"))

        packages = ProvenancePackages.from_dict(d.pop("packages"))

        backend = d.pop("backend")

        provenance = cls(
            model_version=model_version,
            weights_status=weights_status,
            weights_sha256=weights_sha256,
            recipe=recipe,
            packages=packages,
            backend=backend,
        )

        provenance.additional_properties = d
        return provenance

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
