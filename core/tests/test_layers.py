"""``core`` sits below the three apps: it imports Django and libraries, never Tandem's own apps or config."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent
ABOVE = ("programmes", "mentoring", "evaluation", "config", "demo", "perf", "loadtest")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(p for p in CORE.rglob("*.py") if "tests" not in p.parts), ids=str)
def test_core_imports_nothing_above_it(path):
    above = {name for name in _imports(path) if name.split(".")[0] in ABOVE}
    assert not above, f"{path.relative_to(CORE.parent)} imports {sorted(above)}"
