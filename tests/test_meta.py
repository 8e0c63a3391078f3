"""Meta-tests that keep the repository honest: layering, documented commands, settings, routes."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from kg.cli import COMMANDS
from kg.config import PROJECT_ROOT, SETTINGS

SRC = PROJECT_ROOT / "src" / "kg"
DOCS = PROJECT_ROOT / "docs"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def all_docs() -> str:
    texts = [(PROJECT_ROOT / "README.md").read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.md"))]
    return "\n".join(texts)


@pytest.mark.parametrize(
    "path", sorted(p for p in SRC.rglob("*.py") if "web" not in p.relative_to(SRC).parts)
)
def test_flask_is_imported_only_by_the_web_layer(path: Path) -> None:
    flask_imports = {name for name in imported_modules(path) if name.split(".")[0] == "flask"}
    assert not flask_imports, f"{path.relative_to(PROJECT_ROOT)} imports {flask_imports}"


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")))
def test_core_does_not_import_the_cli(path: Path) -> None:
    if "cli" in path.relative_to(SRC).parts:
        return
    assert not {name for name in imported_modules(path) if name.startswith("kg.cli")}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_and_is_documented(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", command, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: kg " + command in result.stdout
    assert f"kg {command}" in all_docs(), f"`kg {command}` is not documented"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting: object) -> None:
    docs = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert f"`{setting.env_var}`" in docs  # type: ignore[attr-defined]


def test_every_route_is_documented(app: Flask) -> None:
    docs = all_docs()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        documented = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        assert f"`{documented}" in docs or f"`{rule.rule}" in docs, (
            f"route {rule.rule} undocumented"
        )
