"""The code passes ruff with the settings in pyproject.toml."""

import subprocess
import sys


def test_ruff_finds_nothing(repo):
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "scripts", "tests"], cwd=repo,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
