from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.model_read_weights_status import ModelReadWeightsStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.accepted_montage import AcceptedMontage
    from ..models.input_spec import InputSpec
    from ..models.metric import Metric
    from ..models.model_read_architecture import ModelReadArchitecture
    from ..models.montage_figure import MontageFigure
    from ..models.serving import Serving
    from ..models.training import Training


T = TypeVar("T", bound="ModelRead")


@_attrs_define
class ModelRead:
    """A model's card, with the montages (devices) it accepts spelled out.

    Attributes:
        name (str):
        version (str):
        title (str):
        description (str):
        reference (str):
        inputs (list[InputSpec]):
        labels (list[str]):
        training (Training): How the shipped weights were (or can be) trained.
        accepts (list[AcceptedMontage]): Montages a recording may feed the EEG input through, largest first (the card's
            montages, else its input montage), with the devices that record each; empty for a model without EEG input.
        weights_status (ModelReadWeightsStatus): 'ready' with trained weights; 'needs-weights' when untrained.
        modalities (list[str]): Modalities of the model's inputs, required ones first.
        architecture (ModelReadArchitecture | Unset): Keyword arguments of the model class.
        metrics (list[Metric] | Unset):
        montages (list[MontageFigure] | Unset): Montages the model accepts, largest first, each with its measured
            accuracy; empty means only the input montage itself.
        weights (None | str | Unset): File name under model_store/weights of trained weights.
        weights_sha256 (None | str | Unset):
        seed (int | Unset):  Default: 0.
        serving (Serving | Unset): How TorchServe runs the model (the archive's ``model-config.yaml``).
    """

    name: str
    version: str
    title: str
    description: str
    reference: str
    inputs: list[InputSpec]
    labels: list[str]
    training: Training
    accepts: list[AcceptedMontage]
    weights_status: ModelReadWeightsStatus
    modalities: list[str]
    architecture: ModelReadArchitecture | Unset = UNSET
    metrics: list[Metric] | Unset = UNSET
    montages: list[MontageFigure] | Unset = UNSET
    weights: None | str | Unset = UNSET
    weights_sha256: None | str | Unset = UNSET
    seed: int | Unset = 0
    serving: Serving | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        version = self.version

        title = self.title

        description = self.description

        reference = self.reference

        inputs = []
        for inputs_item_data in self.inputs:
            inputs_item = inputs_item_data.to_dict()
            inputs.append(inputs_item)

        labels = self.labels

        training = self.training.to_dict()

        accepts = []
        for accepts_item_data in self.accepts:
            accepts_item = accepts_item_data.to_dict()
            accepts.append(accepts_item)

        weights_status = self.weights_status.value

        modalities = self.modalities

        architecture: dict[str, Any] | Unset = UNSET
        if not isinstance(self.architecture, Unset):
            architecture = self.architecture.to_dict()

        metrics: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = []
            for metrics_item_data in self.metrics:
                metrics_item = metrics_item_data.to_dict()
                metrics.append(metrics_item)

        montages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.montages, Unset):
            montages = []
            for montages_item_data in self.montages:
                montages_item = montages_item_data.to_dict()
                montages.append(montages_item)

        weights: None | str | Unset
        if isinstance(self.weights, Unset):
            weights = UNSET
        else:
            weights = self.weights

        weights_sha256: None | str | Unset
        if isinstance(self.weights_sha256, Unset):
            weights_sha256 = UNSET
        else:
            weights_sha256 = self.weights_sha256

        seed = self.seed

        serving: dict[str, Any] | Unset = UNSET
        if not isinstance(self.serving, Unset):
            serving = self.serving.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "version": version,
                "title": title,
                "description": description,
                "reference": reference,
                "inputs": inputs,
                "labels": labels,
                "training": training,
                "accepts": accepts,
                "weights_status": weights_status,
                "modalities": modalities,
            }
        )
        if architecture is not UNSET:
            field_dict["architecture"] = architecture
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if montages is not UNSET:
            field_dict["montages"] = montages
        if weights is not UNSET:
            field_dict["weights"] = weights
        if weights_sha256 is not UNSET:
            field_dict["weights_sha256"] = weights_sha256
        if seed is not UNSET:
            field_dict["seed"] = seed
        if serving is not UNSET:
            field_dict["serving"] = serving

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.accepted_montage import AcceptedMontage  # noqa: PLC0415
        from ..models.input_spec import InputSpec  # noqa: PLC0415
        from ..models.metric import Metric  # noqa: PLC0415
        from ..models.model_read_architecture import ModelReadArchitecture  # noqa: PLC0415
        from ..models.montage_figure import MontageFigure  # noqa: PLC0415
        from ..models.serving import Serving  # noqa: PLC0415
        from ..models.training import Training  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        version = d.pop("version")

        title = d.pop("title")

        description = d.pop("description")

        reference = d.pop("reference")

        inputs = []
        _inputs = d.pop("inputs")
        for inputs_item_data in _inputs:
            inputs_item = InputSpec.from_dict(inputs_item_data)

            inputs.append(inputs_item)

        labels = cast(list[str], d.pop("labels"))

        training = Training.from_dict(d.pop("training"))

        accepts = []
        _accepts = d.pop("accepts")
        for accepts_item_data in _accepts:
            accepts_item = AcceptedMontage.from_dict(accepts_item_data)

            accepts.append(accepts_item)

        weights_status = ModelReadWeightsStatus(d.pop("weights_status"))

        modalities = cast(list[str], d.pop("modalities"))

        _architecture = d.pop("architecture", UNSET)
        architecture: ModelReadArchitecture | Unset
        if isinstance(_architecture, Unset):
            architecture = UNSET
        else:
            architecture = ModelReadArchitecture.from_dict(_architecture)

        _metrics = d.pop("metrics", UNSET)
        metrics: list[Metric] | Unset = UNSET
        if _metrics is not UNSET:
            metrics = []
            for metrics_item_data in _metrics:
                metrics_item = Metric.from_dict(metrics_item_data)

                metrics.append(metrics_item)

        _montages = d.pop("montages", UNSET)
        montages: list[MontageFigure] | Unset = UNSET
        if _montages is not UNSET:
            montages = []
            for montages_item_data in _montages:
                montages_item = MontageFigure.from_dict(montages_item_data)

                montages.append(montages_item)

        def _parse_weights(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        weights = _parse_weights(d.pop("weights", UNSET))

        def _parse_weights_sha256(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        weights_sha256 = _parse_weights_sha256(d.pop("weights_sha256", UNSET))

        seed = d.pop("seed", UNSET)

        _serving = d.pop("serving", UNSET)
        serving: Serving | Unset
        if isinstance(_serving, Unset):
            serving = UNSET
        else:
            serving = Serving.from_dict(_serving)

        model_read = cls(
            name=name,
            version=version,
            title=title,
            description=description,
            reference=reference,
            inputs=inputs,
            labels=labels,
            training=training,
            accepts=accepts,
            weights_status=weights_status,
            modalities=modalities,
            architecture=architecture,
            metrics=metrics,
            montages=montages,
            weights=weights,
            weights_sha256=weights_sha256,
            seed=seed,
            serving=serving,
        )

        model_read.additional_properties = d
        return model_read

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
