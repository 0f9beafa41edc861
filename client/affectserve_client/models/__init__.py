"""Contains all the data models used in inputs/outputs"""

from .accepted_montage import AcceptedMontage
from .agreement import Agreement
from .agreement_dominant import AgreementDominant
from .body_recordings_create import BodyRecordingsCreate
from .component_health import ComponentHealth
from .error_body import ErrorBody
from .gap_read import GapRead
from .health import Health
from .health_components import HealthComponents
from .health_status import HealthStatus
from .input_spec import InputSpec
from .input_spec_modality import InputSpecModality
from .job_list import JobList
from .job_options import JobOptions
from .job_progress import JobProgress
from .job_read import JobRead
from .job_read_links import JobReadLinks
from .job_read_state import JobReadState
from .job_result import JobResult
from .jobs_create_files_body import JobsCreateFilesBody
from .jobs_create_json_job_create import JobsCreateJsonJobCreate
from .label_source import LabelSource
from .label_source_annotations_type_0 import LabelSourceAnnotationsType0
from .metric import Metric
from .model_feed import ModelFeed
from .model_feed_weights_status import ModelFeedWeightsStatus
from .model_read import ModelRead
from .model_read_architecture import ModelReadArchitecture
from .model_read_weights_status import ModelReadWeightsStatus
from .model_result import ModelResult
from .model_summary import ModelSummary
from .model_summary_label_counts import ModelSummaryLabelCounts
from .model_summary_mean_probabilities import ModelSummaryMeanProbabilities
from .montage_figure import MontageFigure
from .montage_use import MontageUse
from .montage_use_interpolated import MontageUseInterpolated
from .plots_get_fmt import PlotsGetFmt
from .plots_get_name import PlotsGetName
from .provenance import Provenance
from .provenance_packages import ProvenancePackages
from .provenance_recipe import ProvenanceRecipe
from .provenance_recipe_additional_property_item import ProvenanceRecipeAdditionalPropertyItem
from .provenance_weights_status import ProvenanceWeightsStatus
from .recipe_step import RecipeStep
from .recipe_step_params import RecipeStepParams
from .recording_read import RecordingRead
from .recording_read_kind import RecordingReadKind
from .recording_result import RecordingResult
from .recording_result_models import RecordingResultModels
from .reliability import Reliability
from .reliability_badge import ReliabilityBadge
from .segment import Segment
from .segment_source import SegmentSource
from .segment_summary import SegmentSummary
from .segment_summary_label_counts import SegmentSummaryLabelCounts
from .segment_summary_mean_probabilities import SegmentSummaryMeanProbabilities
from .serving import Serving
from .training import Training
from .training_create import TrainingCreate
from .training_create_labels import TrainingCreateLabels
from .training_evaluation import TrainingEvaluation
from .training_list import TrainingList
from .training_read import TrainingRead
from .training_read_links import TrainingReadLinks
from .training_read_state import TrainingReadState
from .training_settings import TrainingSettings
from .window_prediction import WindowPrediction
from .window_prediction_probabilities import WindowPredictionProbabilities

__all__ = (
    "AcceptedMontage",
    "Agreement",
    "AgreementDominant",
    "BodyRecordingsCreate",
    "ComponentHealth",
    "ErrorBody",
    "GapRead",
    "Health",
    "HealthComponents",
    "HealthStatus",
    "InputSpec",
    "InputSpecModality",
    "JobList",
    "JobOptions",
    "JobProgress",
    "JobRead",
    "JobReadLinks",
    "JobReadState",
    "JobResult",
    "JobsCreateFilesBody",
    "JobsCreateJsonJobCreate",
    "LabelSource",
    "LabelSourceAnnotationsType0",
    "Metric",
    "ModelFeed",
    "ModelFeedWeightsStatus",
    "ModelRead",
    "ModelReadArchitecture",
    "ModelReadWeightsStatus",
    "ModelResult",
    "ModelSummary",
    "ModelSummaryLabelCounts",
    "ModelSummaryMeanProbabilities",
    "MontageFigure",
    "MontageUse",
    "MontageUseInterpolated",
    "PlotsGetFmt",
    "PlotsGetName",
    "Provenance",
    "ProvenancePackages",
    "ProvenanceRecipe",
    "ProvenanceRecipeAdditionalPropertyItem",
    "ProvenanceWeightsStatus",
    "RecipeStep",
    "RecipeStepParams",
    "RecordingRead",
    "RecordingReadKind",
    "RecordingResult",
    "RecordingResultModels",
    "Reliability",
    "ReliabilityBadge",
    "Segment",
    "SegmentSource",
    "SegmentSummary",
    "SegmentSummaryLabelCounts",
    "SegmentSummaryMeanProbabilities",
    "Serving",
    "Training",
    "TrainingCreate",
    "TrainingCreateLabels",
    "TrainingEvaluation",
    "TrainingList",
    "TrainingRead",
    "TrainingReadLinks",
    "TrainingReadState",
    "TrainingSettings",
    "WindowPrediction",
    "WindowPredictionProbabilities",
)
