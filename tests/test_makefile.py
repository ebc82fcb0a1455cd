"""The Makefile's development targets work on a fresh checkout with nothing set in the
environment, while ``check-deploy`` keeps production settings."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def run_make(tmp_path: Path, *targets: str) -> subprocess.CompletedProcess:
    """``make TARGET`` as a newcomer runs it: no DEBUG, no SECRET_KEY, no settings module.

    The virtualenv step is what ``make test`` in CI exercises; here it is skipped by pointing
    the stamp at a fresh file and the tools at this interpreter, so the test installs nothing.
    """
    stamp = tmp_path / "installed"
    stamp.touch()
    # Nothing of this test run's own environment (settings module, DJANGO_ALLOW_ASYNC_UNSAFE…).
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "ALLOW_DEMO_DATA"} and not key.startswith("DJANGO_")
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return subprocess.run(
        ["make", "--no-print-directory", f"STAMP={stamp}", f"BIN={Path(sys.executable).parent}", *targets],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_make_migrate_and_seed_work_with_nothing_set(tmp_path):
    result = run_make(tmp_path, "migrate", "seed")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SECRET_KEY must be set" not in result.stderr
    assert "Applying engagements.0001_initial... OK" in result.stdout
    assert (tmp_path / "db.sqlite3").stat().st_size > 0


def test_make_check_deploy_still_checks_production_settings(tmp_path):
    # With the development defaults leaking in, `check --deploy` would warn that DEBUG is on.
    result = run_make(tmp_path, "check-deploy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
