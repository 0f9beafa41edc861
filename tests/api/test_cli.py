"""The ``affectserve`` command line: version, help texts, grouping of companion files."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from api.cli import main, parser
from api.remote import RemoteError, group_files


def test_version_is_the_installed_one(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"affectserve {version('affectserve')}\n"


def _commands(command: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [command]
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _commands(sub)
    return found


def test_every_option_has_help_text() -> None:
    for command in _commands(parser()):
        for action in command._actions:
            if not isinstance(action, argparse._SubParsersAction):
                assert action.help, (command.prog, action.dest)


def test_companions_go_with_their_recording() -> None:
    files = [Path(name) for name in ("a.set", "b.edf", "a.fdt", "B.wav")]
    assert group_files(files) == [
        (Path("a.set"), [Path("a.fdt")]),
        (Path("b.edf"), [Path("B.wav")]),
    ]
    assert group_files([Path("s.set"), Path("face.mp4")]) == [(Path("s.set"), [Path("face.mp4")])]
    with pytest.raises(RemoteError, match=r"face\.mp4 is a companion file: give it the same name"):
        group_files([Path("a.edf"), Path("b.edf"), Path("face.mp4")])
    with pytest.raises(RemoteError, match=r"eye\.csv is a companion file"):
        group_files([Path("eye.csv")])


def test_status_and_predict_say_when_nothing_answers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.integration.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}"
    assert main(["status", "--url", url]) == 1
    assert capsys.readouterr().out.startswith(f"affectserve at {url}: not reachable (")
    edf = tmp_path / "a.edf"
    edf.write_bytes(b"0")
    assert main(["predict", str(edf), "--url", url]) == 1
    assert f"error: cannot reach the service at {url}" in capsys.readouterr().err
    assert main(["predict", str(edf), "--options", "{sfreq"]) == 2
    assert "error: --options is not JSON" in capsys.readouterr().err
