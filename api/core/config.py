"""Service settings, read once from the environment (prefix ``AFFECTSERVE_``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
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
    model_timeout_s: float = Field(default=60.0, gt=0)
    batch_size: int = Field(default=64, ge=1, description="Windows per model request.")
    max_upload_mb: float = Field(default=512.0, gt=0)

    @field_validator("broker_url")
    @classmethod
    def _known_broker(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "filesystem://")):
            raise ValueError(
                f"AFFECTSERVE_BROKER_URL={value!r} is not supported; use redis://HOST:PORT/DB "
                "or filesystem://"
            )
        return value

    @property
    def uploads_dir(self) -> Path:
        """Content-addressed uploaded files."""
        return self.data_dir / "uploads"

    @property
    def results_dir(self) -> Path:
        """One JSON result per job."""
        return self.data_dir / "results"

    @property
    def plots_dir(self) -> Path:
        """Rendered figures, one folder per job (results never change, figures neither)."""
        return self.data_dir / "plots"

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

    def ensure_dirs(self) -> None:
        """Create the data folders."""
        for path in (self.uploads_dir, self.results_dir, self.data_dir / "tmp"):
            path.mkdir(parents=True, exist_ok=True)


@cache
def get_settings() -> Settings:
    """The process's settings (read once)."""
    return Settings()
