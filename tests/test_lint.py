"""The code passes ruff with the settings in pyproject.toml."""

import subprocess
import sys


def test_ruff_finds_nothing(repo):
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "scripts", "tests"], cwd=repo,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_product_package_holds_no_harness(repo):
    """Browsers, Playwright and test servers live in scripts/bench/ and tests/, never in `cppcc`."""
    package = repo / "scripts" / "cppcc"
    found = [f"{path.relative_to(repo)}: {word}" for path in sorted(package.rglob("*"))
             if path.is_file() and "__pycache__" not in path.parts
             for word in ("playwright", "chromium")
             if word in path.read_bytes().decode("utf-8", "replace").lower()]
    assert found == []
