"""The requirements file Streamlit Community Cloud reads installs what the suite runs.

Community Cloud takes the first dependency file it finds, beside the entrypoint and then at the
repository's root (uv.lock, Pipfile, environment.yml, requirements.txt, pyproject.toml, in
that order: docs.streamlit.io, "App dependencies for your Community Cloud app"). A fork
deployed as it is must get torch's CPU build and the torch and Streamlit versions these tests
ran with, without editing anything.
"""

import json
import subprocess
import sys
from pathlib import Path

import streamlit
import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = REPO_ROOT / "requirements.txt"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# Dependency files Community Cloud would prefer to requirements.txt.
PREFERRED_BY_CLOUD = ("uv.lock", "Pipfile", "environment.yml")


def requirement_lines() -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in REQUIREMENTS.read_text().splitlines())
    return [line for line in lines if line]


def pins() -> dict[str, str]:
    found = {}
    for line in requirement_lines():
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==", 1)
            found[name.split("[")[0].strip().lower()] = version.strip()
    return found


def test_cloud_reads_requirements_txt_and_nothing_before_it():
    for folder in {REPO_ROOT, (REPO_ROOT / "dashboard.py").parent}:
        assert not [name for name in PREFERRED_BY_CLOUD if (folder / name).exists()]
    assert REQUIREMENTS.exists()


def test_the_file_names_the_cpu_wheel_index_and_the_suites_versions():
    assert f"--extra-index-url {CPU_INDEX}" in requirement_lines()
    assert pins()["torch"] == torch.__version__.split("+")[0] == "2.13.0"
    assert pins()["streamlit"] == streamlit.__version__ == "1.67.0"
    # The suite runs the CPU build, as the file asks for.
    assert torch.__version__.endswith("+cpu") and not torch.cuda.is_available()


def test_pip_resolves_the_file_to_the_pinned_torch_and_streamlit(tmp_path):
    """pip itself, given the file's index options and its two pins, picks torch 2.13.0 (the
    CPU build where an index has it) and Streamlit 1.67.0."""
    options = [line for line in requirement_lines() if line.startswith("--")]
    wanted = [f"torch=={pins()['torch']}", f"streamlit=={pins()['streamlit']}"]
    (tmp_path / "two.txt").write_text("\n".join([*options, *wanted]) + "\n")
    report = tmp_path / "report.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-deps",
            "--ignore-installed",
            "--quiet",
            "--report",
            str(report),
            "-r",
            str(tmp_path / "two.txt"),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    chosen = {
        item["metadata"]["name"].lower(): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    assert chosen["streamlit"] == "1.67.0"
    assert chosen["torch"] in {"2.13.0", "2.13.0+cpu"}
