"""Contains all the data models used in inputs/outputs"""

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
from .metric import Metric
from .model_card import ModelCard
from .model_card_architecture import ModelCardArchitecture
from .model_card_weights_status import ModelCardWeightsStatus
from .model_feed import ModelFeed
from .model_feed_weights_status import ModelFeedWeightsStatus
from .model_result import ModelResult
from .model_summary import ModelSummary
from .model_summary_label_counts import ModelSummaryLabelCounts
from .model_summary_mean_probabilities import ModelSummaryMeanProbabilities
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
from .serving import Serving
from .training import Training
from .window_prediction import WindowPrediction
from .window_prediction_probabilities import WindowPredictionProbabilities

__all__ = (
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
    "Metric",
    "ModelCard",
    "ModelCardArchitecture",
    "ModelCardWeightsStatus",
    "ModelFeed",
    "ModelFeedWeightsStatus",
    "ModelResult",
    "ModelSummary",
    "ModelSummaryLabelCounts",
    "ModelSummaryMeanProbabilities",
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
    "Serving",
    "Training",
    "WindowPrediction",
    "WindowPredictionProbabilities",
)
