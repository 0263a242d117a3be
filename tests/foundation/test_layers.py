"""The arrows of the layout point one way: spiders and nlp know nothing of storage,
and spiders nothing of nlp (DESIGN.md, STYLE.md). Read from the imports of the code,
including imports inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def imported_packages(package: str) -> dict[str, set[str]]:
    """Top-level packages each module of ``package`` imports: {module path: names}."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(REPO))] = names
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("spiders", {"storage", "nlp"}), ("nlp", {"storage"})],
)
def test_package_does_not_import(package: str, forbidden: set[str]) -> None:
    modules = imported_packages(package)
    assert modules, f"no modules found in {package}/"
    offending = {path: sorted(names & forbidden) for path, names in modules.items()}
    assert {path: names for path, names in offending.items() if names} == {}
