"""Every module of `website/` imports on its own, first, in a fresh interpreter: an import cycle
(a module reaching back into one that is still half-loaded) fails here, whatever order the app
happens to load them in."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# One interpreter per module would take a minute; one interpreter that forgets every `website`
# module before the next import is as fresh for our code (third-party packages stay loaded).
LOOP = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "website" or m.startswith("website.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ":\\n" + traceback.format_exc(limit=-3))
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def website_modules() -> list[str]:
    """Every module under website/, as a dotted name."""
    names = []
    for path in sorted((ROOT / "website").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def import_alone(modules: list[str]) -> subprocess.CompletedProcess[str]:
    """Import each module first in a clean `website` namespace; report the ones that fail."""
    return subprocess.run(
        [sys.executable, "-c", LOOP, *modules], cwd=ROOT, capture_output=True, text=True,
        timeout=300,
    )


@pytest.mark.waits
def test_every_module_imports_on_its_own() -> None:
    modules = website_modules()
    assert len(modules) > 80 and "website.policy.announce" in modules
    result = import_alone(modules)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_import_cycle_fails_the_check(tmp_path: Path) -> None:
    """The check is not blind: two modules that import a name from each other fail it."""
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic.b import B\nA = 1\n")
    (package / "b.py").write_text("from cyclic.a import A\nB = 2\n")
    result = subprocess.run(
        [sys.executable, "-c", LOOP.replace('"website"', '"cyclic"').replace(
            '"website."', '"cyclic."'), "cyclic.a", "cyclic.b"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "cyclic.a:" in result.stdout and "cyclic.b:" in result.stdout


def module_imports(name: str, modules: set[str]) -> set[str]:
    """The `website` modules this module imports at its top level (TYPE_CHECKING blocks aside)."""
    path = ROOT / Path(*name.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules
                      else node.module for alias in node.names}
    return found & modules


def test_no_module_reaches_back_through_its_imports() -> None:
    """The top-level imports between website's modules form no loop (an import at the bottom
    of a module, as a blueprint's views once pulled in their siblings, counts too)."""
    modules = set(website_modules())
    graph = {name: module_imports(name, modules) for name in modules}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, " -> ".join([*visiting[visiting.index(name):], name])
        if name in done:
            return
        visiting.append(name)
        for target in sorted(graph[name]):
            visit(target)
        visiting.pop()
        done.add(name)

    for name in sorted(modules):
        visit(name)
