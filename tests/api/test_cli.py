"""The ``affectserve`` command line: version, help texts, grouping of companion files."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from api.cli import main, parser
from api.remote import RemoteError, group_files, summary_lines


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


def test_predict_summary_gives_each_segment_and_flags_disagreement() -> None:
    from core.reliability import agreement
    from core.schemas import JobResult, RecordingResult, Segment
    from tests.results import model_result

    segments = [
        Segment(name="film A", start_s=2.0, end_s=12.5, source="annotation"),
        Segment(name="rest", start_s=40.0, end_s=41.0, source="annotation"),
    ]
    models = {
        name: model_result(name, 20, seed=k, segments=segments)
        for k, name in enumerate(("maet", "strnn"))
    }
    for window in models["strnn"].windows:  # strnn says the opposite of maet
        window.label = "negative" if window.label == "positive" else "positive"
    models["strnn"].summary.dominant_label = "negative"
    models["maet"].summary.dominant_label = "positive"
    part = RecordingResult(recording_id="r", filename="s.edf", models=models, segments=segments)
    part.agreement = agreement(list(models.values()))
    lines = summary_lines(JobResult(job_id="j", recordings=[part]))
    [maet] = models["maet"].segments
    dominant = maet.dominant_label
    assert (
        f"  segment 'film A' (2-12.5 s): {dominant}, mean p "
        f"{maet.mean_probabilities[dominant]:.2f}, 10 windows"
    ) in lines
    assert not any("'rest'" in line for line in lines)  # no window lies inside it
    assert lines[-1] == "s.edf: maet and strnn disagree; rely on none alone"
