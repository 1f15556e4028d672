""".streamlit/config.toml: the upload limit matches the word-list parser's, and students see no
tracebacks. The same settings in force on a real server: tests/browser/test_classroom_config.py.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import tomllib

from data.words import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB
from tests.conftest import REPO_ROOT

CONFIG = REPO_ROOT / ".streamlit" / "config.toml"
MIB = 1024 * 1024


def project_config() -> dict:
    return tomllib.loads(CONFIG.read_text())


def test_the_server_lets_in_every_file_the_parser_reads():
    # Streamlit's upload handler refuses bodies over server.maxUploadSize * 1024 * 1024 bytes
    # (checked below in its source); the word lists' limit is 5 MB of 1,000,000 bytes, the
    # unit the uploader's browser side counts in (tests/browser/test_classroom_config.py).
    assert MAX_UPLOAD_BYTES == MAX_UPLOAD_MB * 1_000_000
    assert project_config()["server"]["maxUploadSize"] * MIB >= MAX_UPLOAD_BYTES


def test_streamlit_counts_the_upload_limit_in_mebibytes():
    """If a Streamlit upgrade counts maxUploadSize differently, the test above is wrong too."""
    from streamlit.web.server.starlette import starlette_routes

    source = inspect.getsource(starlette_routes)
    assert 'config.get_option("server.maxUploadSize") * 1024 * 1024' in source


def test_students_see_no_tracebacks():
    assert project_config()["client"]["showErrorDetails"] == "none"


def test_no_per_session_file_polling_and_no_full_collection_after_every_run():
    """Both cost the server CPU for every student (see the comments in config.toml and
    BENCHMARKS.md, "A class on one server")."""
    config = project_config()
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False


def test_streamlit_loads_these_values_from_the_project():
    """What Streamlit itself reads, started from the repository root as `streamlit run` is
    (in a fresh interpreter, so the test process's own config stays as it is)."""
    probe = (
        "import json\n"
        "from streamlit import config\n"
        "config.get_config_options(force_reparse=True)\n"
        "print(json.dumps({key: config.get_option(key) for key in\n"
        "    ('server.maxUploadSize', 'client.showErrorDetails', 'server.runOnSave',\n"
        "     'server.fileWatcherType', 'runner.postScriptGC')}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {
        "server.maxUploadSize": MAX_UPLOAD_MB,
        "client.showErrorDetails": "none",
        "server.runOnSave": False,
        "server.fileWatcherType": "none",
        "runner.postScriptGC": False,
    }
