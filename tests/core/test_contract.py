"""One definition per fact: job states through `JobState`, kombu's keys only in core.broker."""

from __future__ import annotations

import ast
from pathlib import Path

from core.schemas import JobState

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "signals", "model_store", "worker", "api")


def _sources(*packages: str) -> dict[Path, str]:
    return {
        path: path.read_text()
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def test_job_states_are_named_through_the_enum() -> None:
    states = {state.value for state in JobState}
    literals = []
    for path, text in _sources("core", "worker", "api").items():
        if path == ROOT / "core" / "schemas.py":
            continue
        for node in ast.walk(ast.parse(text)):
            compared = []
            if isinstance(node, ast.Compare):
                compared = [node.left, *node.comparators]
            elif isinstance(node, ast.keyword) and node.arg == "state":
                compared = [node.value]
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "in_":
                compared = [e for a in node.args if isinstance(a, ast.Tuple) for e in a.elts]
            literals += [
                f"{path.relative_to(ROOT)}:{node.lineno} {c.value!r}"
                for c in compared
                if isinstance(c, ast.Constant) and c.value in states
            ]
    assert literals == []


def test_kombus_private_redis_keys_are_read_only_in_core_broker() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for path, text in _sources(*PACKAGES).items()
        if any(mark in text for mark in ('"unacked"', "\\x06\\x16", ".llen(", ".hvals("))
    ]
    assert readers == ["core/broker.py"]
