"""Service settings, read once from the environment (prefix ``AFFECTSERVE_``)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings of the API and the worker; ``affectserve up`` passes them to both."""

    model_config = SettingsConfigDict(env_prefix="AFFECTSERVE_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="Uploads, results, the job database and logs."
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the job store; default SQLite in data_dir."
    )
    storage_url: str | None = Field(
        default=None,
        description=(
            "Where uploads, results and figures are kept: unset, the data dir (a folder "
            "every host shares); s3://BUCKET/PREFIX, an S3-compatible object store "
            "(extra `s3`), with the `s3_*` settings."
        ),
    )
    s3_endpoint_url: str | None = Field(
        default=None,
        description="URL of an S3-compatible server (MinIO, Ceph...); unset: AWS.",
    )
    s3_region: str | None = Field(default=None, description="Region of the bucket.")
    s3_access_key_id: str | None = Field(
        default=None,
        description=(
            "Access key of the object store; unset: boto3's own chain (AWS_* variables, "
            "~/.aws, the host's role)."
        ),
    )
    s3_secret_access_key: SecretStr | None = Field(
        default=None, description="Secret key going with `s3_access_key_id`."
    )
    broker_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        description="Celery broker: a redis:// URL, or filesystem:// for a folder in data_dir.",
    )
    queue: str = Field(default="affectserve", description="Celery queue name.")
    model_backend: Literal["torchserve", "inprocess"] = Field(
        default="inprocess",
        description="Where models run: a TorchServe server over HTTP, or inside the worker.",
    )
    torchserve_url: str = Field(default="http://127.0.0.1:8080")
    torchserve_management_url: str = Field(default="http://127.0.0.1:8081")
    torchserve_key_file: Path | None = Field(
        default=None,
        description=(
            "TorchServe's key_file.json (0600; its tokens authorise every call); default "
            "data_dir/torchserve/key_file.json, where `affectserve up` runs TorchServe."
        ),
    )
    model_ready_timeout_s: float = Field(
        default=120.0,
        gt=0,
        description="How long `affectserve up` waits for TorchServe to load every model, s.",
    )
    model_timeout_s: float = Field(default=60.0, gt=0)
    batch_size: int = Field(default=64, ge=1, description="Windows per model request.")
    torch_threads: int = Field(
        default=1,
        ge=1,
        description=(
            "Torch CPU threads of every process that runs models (an in-process worker, "
            "each TorchServe model worker, training), and OpenCV's in a worker (face "
            "video): 1 lets one worker per core run without the workers fighting over "
            "the cores."
        ),
    )
    model_device: str = Field(
        default="cpu",
        pattern=r"^(cpu|cuda(:[0-9]+)?)$",
        description=(
            "Torch device of the models that run in a worker (the in-process backend and "
            "the versions users trained): cpu, or cuda / cuda:N on a machine whose torch "
            "sees an NVIDIA GPU. TorchServe places its own model workers."
        ),
    )
    model_retries: int = Field(
        default=3, ge=0, description="Attempts after the first when TorchServe fails (5xx)."
    )
    model_backoff_s: float = Field(
        default=0.5, ge=0, description="Wait before the first model retry; doubled each time."
    )
    model_server_patience_s: float = Field(
        default=600.0,
        ge=0,
        description=(
            "How long a job waits for a model server that cannot be reached (or has no "
            "worker for its model) before it fails, s; it goes on when the server is back."
        ),
    )
    max_upload_mb: float = Field(default=512.0, gt=0)
    max_files_per_job: int = Field(default=16, ge=1, description="Files in one upload job.")
    max_duration_s: float = Field(
        default=6 * 3600.0, gt=0, description="Longest recording accepted, seconds."
    )
    max_channels: int = Field(default=512, ge=1, description="Most channels in a recording.")
    max_sfreq: float = Field(
        default=50_000.0, gt=0, description="Highest sampling rate accepted, Hz."
    )
    max_samples: int = Field(
        default=250_000_000,
        ge=1,
        description=(
            "Most values (channels x samples, or elements of any one array a file declares) "
            "in a recording; checked on the declared sizes before anything is read."
        ),
    )
    reader_memory_mb: float = Field(
        default=4096.0,
        ge=1024,
        description=(
            "Address-space cap of the process that reads an uploaded header, MB (the "
            "readers' libraries alone map about 400 MB)."
        ),
    )
    worker_memory_mb: float | None = Field(
        default=16384.0,
        ge=2048,
        description=(
            "Address-space cap of each worker pool process, MB (torch alone maps about "
            "1 GB); unset: none. Not applied when model_device is a GPU "
            "(`address_space_cap_mb`)."
        ),
    )
    request_stall_s: float = Field(
        default=30.0,
        gt=0,
        description=(
            "A connection that has not sent its request headers after this long, or a "
            "request body that sends nothing for this long, is dropped, s."
        ),
    )
    max_connections: int = Field(
        default=200,
        ge=1,
        description="Open connections the API serves at once; more are answered 503.",
    )
    max_interpolation_mm: float = Field(
        default=38.0,
        ge=0,
        description=(
            "Farthest an interpolated electrode may lie from a recorded one, mm on a 95-mm "
            "head: a little over one 10-10 step of the 10-05 template (C1-Cz 35.6 mm), so an "
            "electrode is interpolated only from recorded grid neighbours; a 19-channel "
            "10-20 cap (FC1 49 mm from its nearest electrode) is not stretched to 62. 0: "
            "never interpolate."
        ),
    )
    read_timeout_s: float = Field(
        default=60.0, gt=0, description="Time limit of reading one uploaded header, seconds."
    )
    training_time_limit_s: float = Field(
        default=6 * 3600.0, gt=0, description="Longest a training job may run, seconds."
    )
    job_time_limit_s: float = Field(
        default=6 * 3600.0, gt=0, description="A job running longer is stopped and failed, s."
    )
    visibility_timeout_s: float = Field(
        default=3600.0,
        gt=0,
        description=(
            "Redis hands a job that no worker acknowledged to another worker after this "
            "long, seconds: longer than the longest job."
        ),
    )
    heartbeat_s: float = Field(
        default=10.0, gt=0, description="How often a worker marks its running job alive, s."
    )
    sweep_interval_s: float = Field(
        default=10.0,
        gt=0,
        description=(
            "How often each worker's reconciler puts jobs whose heartbeat stopped back in "
            "the queue and sends queued jobs the broker does not hold, s."
        ),
    )
    max_attempts: int = Field(
        default=3, ge=1, description="Deliveries of one job before it is failed for good."
    )
    retention_days: float | None = Field(
        default=None,
        gt=0,
        description="Finished jobs, their results and unused uploads older than this go.",
    )

    @field_validator("broker_url")
    @classmethod
    def _known_broker(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "filesystem://")):
            raise ValueError(
                f"AFFECTSERVE_BROKER_URL={value!r} is not supported; use redis://HOST:PORT/DB "
                "or filesystem://"
            )
        return value

    @field_validator("storage_url")
    @classmethod
    def _known_storage(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"s3://[^/]+(/.*)?", value):
            raise ValueError(
                f"AFFECTSERVE_STORAGE_URL={value!r} is not supported; use s3://BUCKET/PREFIX, "
                "or leave it unset for the data dir"
            )
        return value

    shutdown_grace_s: float = Field(
        default=120.0,
        gt=0,
        description="On stop, how long running jobs may finish before they are re-queued, s.",
    )
    log_json: bool = Field(default=False, description="Worker logs as one JSON object a line.")
    api_keys: list[str] = Field(
        default_factory=list,
        description="SHA-256 hex digests of API keys (JSON list); keys are on when any is set.",
    )
    admin_keys: list[str] = Field(
        default_factory=list,
        description="SHA-256 hex digests of admin keys, which see every job and recording.",
    )

    @field_validator("api_keys", "admin_keys")
    @classmethod
    def _digests(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(r"[0-9a-f]{64}", value):
                raise ValueError(
                    "API keys are configured by their SHA-256 hex digest, never in clear: "
                    "make keys with `affectserve keys add`, or store sha256(key) here"
                )
        return values

    @property
    def address_space_cap_mb(self) -> float | None:
        """The address-space cap of a worker pool process: ``worker_memory_mb``, or none
        when the models run on a GPU (CUDA maps the GPU's memory into the process's
        address space and does not start under a cap below it)."""
        return None if self.model_device.startswith("cuda") else self.worker_memory_mb

    @property
    def claim_after_s(self) -> float:
        """A running job whose heartbeat is this old has lost its worker: the reconciler
        puts it back in the queue, and a new delivery may take it over."""
        return 3.0 * self.heartbeat_s

    @property
    def stuck_after_s(self) -> float:
        """A running job whose heartbeat is this old should have been put back in the
        queue by a reconciler (one sweep after `claim_after_s`): ``/health`` reports it."""
        return self.claim_after_s + self.sweep_interval_s

    @property
    def uploads_dir(self) -> Path:
        """Content-addressed uploaded files."""
        return self.data_dir / "uploads"

    @property
    def results_dir(self) -> Path:
        """One JSON result per job."""
        return self.data_dir / "results"

    @property
    def torchserve_dir(self) -> Path:
        """TorchServe's working folder: its config, key file, temp files and logs."""
        return self.data_dir / "torchserve"

    @property
    def torchserve_keys_path(self) -> Path:
        """Where TorchServe writes its tokens (`torchserve_key_file`, or its default)."""
        return self.torchserve_key_file or self.torchserve_dir / "key_file.json"

    @property
    def models_dir(self) -> Path:
        """Model versions trained through the service, one folder per owner."""
        return self.data_dir / "models"

    @property
    def training_queue(self) -> str:
        """Celery queue of training jobs (a GPU worker can take this queue alone)."""
        return f"{self.queue}.training"

    @property
    def broker_dir(self) -> Path:
        """Message folder of the filesystem broker."""
        return self.data_dir / "broker"

    @property
    def store_url(self) -> str:
        """SQLAlchemy URL of the job store."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'affectserve.db').resolve()}"

    @property
    def max_upload_bytes(self) -> int:
        """Upload size limit in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def spool_dir(self) -> Path:
        """Uploads being received and read, before they are stored or refused."""
        return self.data_dir / "tmp"

    def ensure_dirs(self) -> None:
        """Create the data folders, readable by the service user only (0700)."""
        for path in (self.data_dir, self.uploads_dir, self.results_dir, self.spool_dir):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.chmod(0o700)


@cache
def get_settings() -> Settings:
    """The process's settings (read once)."""
    return Settings()
