"""How the worker reaches the models: one small interface, two implementations.

`TorchServeClient` posts ``.npz`` bundles to a TorchServe server over HTTP;
`InProcessClient` runs the same handler code inside the worker (for machines without
Java). Swapping the model server means writing one more class with these methods.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import httpx
import numpy as np
from numpy.typing import NDArray

from core.cards import ModelCard, load_card
from core.config import Settings
from model_store.bundle import encode_bundle

if TYPE_CHECKING:
    from model_store.serving import LoadedModel


class ModelServerError(RuntimeError):
    """The model server failed or could not be reached; the message says which."""


class ModelServerUnavailableError(ModelServerError):
    """The model server cannot serve the model now (unreachable, restarting, or no worker
    for the model); a job waits for it (``model_server_patience_s``) rather than fail."""


@dataclass(frozen=True)
class ServerHealth:
    """Whether the model server answers, and a short description."""

    ok: bool
    detail: str


class ModelClient(Protocol):
    """What the worker needs from a model server."""

    name: str

    def predict(self, model: str, inputs: dict[str, NDArray[np.floating]]) -> NDArray[np.float32]:
        """Class probabilities ``(n_windows, n_classes)`` for a batch of windows."""
        ...

    def health(self, models: Sequence[str] = ()) -> ServerHealth:
        """Whether the server is up and can serve each of ``models`` now."""
        ...


TorchServeApi = Literal["inference", "management"]


def torchserve_token(keys_file: Path | None, api: TorchServeApi) -> str | None:
    """The bearer token for one of TorchServe's APIs, from its ``key_file.json``.

    TorchServe writes new tokens each time it starts; read them again after a 400/401.

    Parameters
    ----------
    keys_file : Path or None
        TorchServe's key file; None when token authorisation is off.
    api : {'inference', 'management'}
        Which API the token is for.

    Returns
    -------
    str or None
        None when there is no key file (yet): TorchServe is starting or has tokens off.
    """
    if keys_file is None:
        return None
    try:
        return str(json.loads(keys_file.read_text())[api]["key"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def torchserve_headers(keys_file: Path | None, api: TorchServeApi) -> dict[str, str]:
    """``Authorization`` header for TorchServe's ``api`` (empty without a token)."""
    token = torchserve_token(keys_file, api)
    return {"Authorization": f"Bearer {token}"} if token else {}


class TorchServeClient:
    """Models served by TorchServe, reached over HTTP with bounded retries.

    Parameters
    ----------
    url : str
        TorchServe inference address, e.g. ``http://127.0.0.1:8080``.
    timeout_s : float
        Time limit of one request.
    retries : int
        Attempts after the first when the server cannot be reached or answers 5xx.
    backoff_s : float
        Wait before the first retry; doubled for each further one.
    keys_file : Path or None
        TorchServe's ``key_file.json``: the inference token is sent with every request
        (read again on each, so that a restarted server's new token is used).
    management_url : str or None
        TorchServe management address, e.g. ``http://127.0.0.1:8081``: `health` asks it
        whether each model has a ready worker (with the management token).
    """

    name = "torchserve"

    def __init__(
        self,
        url: str,
        timeout_s: float = 60.0,
        retries: int = 3,
        backoff_s: float = 0.5,
        keys_file: Path | None = None,
        management_url: str | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.management_url = management_url.rstrip("/") if management_url else None
        self.retries = retries
        self.backoff_s = backoff_s
        self.keys_file = keys_file
        self.http = httpx.Client(timeout=timeout_s)

    def predict(self, model: str, inputs: dict[str, NDArray[np.floating]]) -> NDArray[np.float32]:
        """Post one bundle to ``/predictions/<model>``.

        A refused token (400/401: TorchServe restarted with new tokens) is retried like a
        5xx, with the token read again.

        Raises
        ------
        ModelServerUnavailableError
            After the retries, when the server could not be reached, or when it answered
            5xx or refused the token and `health` says it cannot serve ``model`` now.
        ModelServerError
            When it refused the request (4xx), or failed it while it says it is healthy.
        """
        body = encode_bundle(inputs)
        delay = self.backoff_s
        for attempt in range(self.retries + 1):
            reachable = True
            try:
                reply = self.http.post(
                    f"{self.url}/predictions/{model}",
                    content=body,
                    headers={
                        "Content-Type": "application/octet-stream",
                        **torchserve_headers(self.keys_file, "inference"),
                    },
                )
            except httpx.HTTPError as err:
                reachable = False
                problem = f"TorchServe at {self.url} could not be reached ({err})"
            else:
                if reply.status_code == 200:
                    return np.asarray(reply.json()["probabilities"], dtype=np.float32)
                problem = f"TorchServe answered {reply.status_code} for {model}: {reply.text}"
                if reply.status_code < 500 and not _token_refused(reply):
                    raise ModelServerError(problem)
            if attempt < self.retries:
                time.sleep(delay)
                delay *= 2
        problem = f"{problem}; gave up after {self.retries + 1} attempts"
        if not reachable or not self.health([model]).ok:
            raise ModelServerUnavailableError(problem)
        raise ModelServerError(problem)

    def health(self, models: Sequence[str] = ()) -> ServerHealth:
        """TorchServe's ``/ping``, and a ``READY`` worker for each of ``models`` (asked
        of the management API; a model scaled to 0 workers or not registered is down)."""
        try:
            reply = self.http.get(
                f"{self.url}/ping",
                timeout=3.0,
                headers=torchserve_headers(self.keys_file, "inference"),
            )
        except httpx.HTTPError as err:
            return ServerHealth(False, f"TorchServe at {self.url} unreachable: {err}")
        if reply.status_code != 200 or _status(reply) != "Healthy":
            return ServerHealth(False, f"TorchServe at {self.url}: {reply.text.strip()}")
        down = [f"{model} ({why})" for model in models if (why := self._not_ready(model))]
        if down:
            return ServerHealth(False, f"TorchServe at {self.url} cannot serve {', '.join(down)}")
        ready = f"; {', '.join(models)} ready" if models else ""
        return ServerHealth(True, f"TorchServe at {self.url}: Healthy{ready}")

    def _not_ready(self, model: str) -> str:
        """Why TorchServe cannot serve ``model`` now; empty when a worker is ``READY``."""
        if self.management_url is None:
            return ""
        try:
            reply = self.http.get(
                f"{self.management_url}/models/{model}",
                timeout=3.0,
                headers=torchserve_headers(self.keys_file, "management"),
            )
        except httpx.HTTPError as err:
            return f"management API unreachable: {err}"
        if reply.status_code == 404:
            return "not registered"
        if reply.status_code != 200:
            return f"management API answered {reply.status_code}"
        try:
            workers = reply.json()[0]["workers"]
        except (ValueError, KeyError, IndexError, TypeError):
            return "unreadable model description"
        if not any(worker.get("status") == "READY" for worker in workers):
            return f"{len(workers)} worker(s), none ready"
        return ""


def _status(reply: httpx.Response) -> str | None:
    """The ``status`` of a ``/ping`` answer (None when it is not that JSON)."""
    try:
        return str(reply.json().get("status"))
    except (ValueError, AttributeError):
        return None


def _token_refused(reply: httpx.Response) -> bool:
    """TorchServe refused the token (it answers 400 or 401 with this sentence)."""
    return reply.status_code in (400, 401) and "Token Authorization failed" in reply.text


class InProcessClient:
    """Models run inside this process with the handler's own code.

    Parameters
    ----------
    device : str
        Torch device of the models.
    threads : int
        Torch CPU threads of this process, set when the first model loads (so that a
        process that only asks for `health` never imports torch).
    """

    name = "inprocess"

    def __init__(
        self,
        device: str = "cpu",
        threads: int = 1,
        card_of: Callable[[str], ModelCard] = load_card,
    ) -> None:
        self.device = device
        self.threads = threads
        self.card_of = card_of
        self.loaded: dict[str, LoadedModel] = {}

    def load(self, model: str) -> LoadedModel:
        """The loaded model ``model`` (built and loaded on first use)."""
        if model not in self.loaded:
            import torch

            from model_store.serving import LoadedModel

            if self.device.startswith("cuda") and not torch.cuda.is_available():
                raise ModelServerError(
                    f"the models are to run on {self.device} (AFFECTSERVE_MODEL_DEVICE) but "
                    "torch sees no CUDA GPU on this machine; set it to cpu"
                )
            card = self.card_of(model)
            weights = card.weights_path if card.weights_status == "ready" else None
            self.loaded[model] = LoadedModel(card, weights, self.device, self.threads)
        return self.loaded[model]

    def predict(self, model: str, inputs: dict[str, NDArray[np.floating]]) -> NDArray[np.float32]:
        """Run the model on a batch of windows."""
        return self.load(model).predict(inputs)

    def health(self, models: Sequence[str] = ()) -> ServerHealth:
        """Always up: the models load in the worker on first use."""
        return ServerHealth(True, "models run in-process in the worker")


def make_client(settings: Settings) -> ModelClient:
    """The client for the configured backend."""
    if settings.model_backend == "torchserve":
        return TorchServeClient(
            settings.torchserve_url,
            timeout_s=settings.model_timeout_s,
            retries=settings.model_retries,
            backoff_s=settings.model_backoff_s,
            keys_file=settings.torchserve_keys_path,
            management_url=settings.torchserve_management_url,
        )
    return InProcessClient(settings.model_device, threads=settings.torch_threads)
