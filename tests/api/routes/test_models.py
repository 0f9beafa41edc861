"""The model cards as the API serves them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.cards import WEIGHTS_DIR, card_names, load_card, montage_channels


def test_models_list_cards(client: TestClient) -> None:
    reply = client.get("/v1/models")
    assert reply.status_code == 200
    cards = {card["name"]: card for card in reply.json()}
    assert sorted(cards) == card_names()
    maet = cards["maet"]
    assert maet["modalities"][0] == "eeg"
    assert maet["labels"] == ["negative", "neutral", "positive"]
    eeg = maet["inputs"][0]
    assert eeg["sfreq"] == 200 and eeg["window_s"] == 1.0 and eeg["shape"] == [310]
    assert eeg["montage"] == "seed62" and len(montage_channels(eeg["montage"])) == 62
    assert "command" in maet["training"]


def test_unknown_model_is_404(client: TestClient) -> None:
    reply = client.get("/v1/models/nope")
    assert reply.status_code == 404
    assert "unknown model 'nope'" in reply.json()["detail"]


def test_reference_tables_are_not_a_model(client: TestClient) -> None:
    reply = client.get("/v1/models/reference")
    assert reply.status_code == 404
    detail = reply.json()["detail"]
    assert detail.startswith("unknown model 'reference'; known models: aimstf_ssff, ")


def test_models_list_the_montages_and_devices_they_accept(client: TestClient) -> None:
    cards = {card["name"]: card for card in client.get("/v1/models").json()}
    accepts = {name: [a["montage"] for a in card["accepts"]] for name, card in cards.items()}
    assert accepts["rtcan1d"] == []
    assert accepts["aimstf_ssff"] == ["deap32"]
    for name in ("maet", "strnn", "emotionclip"):
        listed = [figure["montage"] for figure in cards[name]["montages"]] or ["seed62"]
        assert accepts[name] == listed
    seed = cards["maet"]["accepts"][0]
    assert seed["channels"] == montage_channels("seed62")
    assert "NeuroScan Quik-Cap 62 (SEED)" in seed["devices"]
    deap = cards["aimstf_ssff"]["accepts"][0]
    assert deap["devices"][0] == "BioSemi 32 (DEAP order)" and deap["chance"] is None
    assert client.get("/v1/models/maet").json()["accepts"] == cards["maet"]["accepts"]


def _statuses(client: TestClient) -> dict[str, str]:
    return {card["name"]: card["weights_status"] for card in client.get("/v1/models").json()}


def test_weights_status_is_ready_only_for_weights_matching_the_card(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = {name for name in card_names() if load_card(name).weights}
    assert {"maet", "strnn", "emotionclip"} <= shipped
    assert _statuses(client) == {
        name: "ready" if name in shipped else "needs-weights" for name in card_names()
    }
    folder = tmp_path / "weights"
    folder.mkdir()
    monkeypatch.setattr("core.cards.WEIGHTS_DIR", folder)
    assert set(_statuses(client).values()) == {"needs-weights"}  # no file
    data = bytearray((WEIGHTS_DIR / "maet.pt").read_bytes())
    (folder / "strnn.pt").write_bytes((WEIGHTS_DIR / "strnn.pt").read_bytes())
    data[0] ^= 0xFF
    (folder / "maet.pt").write_bytes(bytes(data))
    statuses = _statuses(client)
    assert statuses["strnn"] == "ready"  # an intact copy
    assert statuses["maet"] == "needs-weights"  # one byte changed: the checksum differs
