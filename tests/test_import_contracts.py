"""The import contracts in pyproject.toml ([tool.importlinter], run by scripts/test) hold, and
they are not blind: one forbidden import added to a copy of the code breaks its contract."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the `website` package and pyproject.toml found in `root`."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=root, capture_output=True,
        text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)},
    )


def test_the_code_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("policy/render.py", "from website.consent import registry", "policy never imports consent"),
    ("rights/views.py", "import website.admin.views", "the features never import the admin"),
    ("support/service.py", "from website.support import views", "services never import views"),
    ("mail/service.py", "from website.accounts.models import User", "mail imports no feature"),
    # The cycle policy/service.py <-> policy/translations.py was like this one.
    ("policy/render.py", "from website.policy import translations", "form no cycle"),
])
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, module: str, line: str, contract: str,
) -> None:
    shutil.copytree(ROOT / "website", tmp_path / "website",
                    ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "website" / module
    # Inside a function, where a quick fix would hide it: it counts all the same.
    target.write_text(target.read_text() + f"\n\ndef _sneaky() -> None:\n    {line}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert contract in result.stdout.split("Broken contracts", 1)[1]
