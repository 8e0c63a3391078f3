"""Meta-tests that keep the repository honest: layering, documented commands, settings, routes."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest.mock import patch

import pytest
from flask import Flask

from kg.cli import COMMANDS, ExitCode, build_parser, main, settings_from
from kg.cli.settings import markdown_table
from kg.config import PROJECT_ROOT, SETTINGS, SETTINGS_BY_NAME, Settings

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


CORE = sorted(p for p in SRC.rglob("*.py") if not {"web", "cli"} & set(p.relative_to(SRC).parts))


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(SRC)))
def test_the_core_does_not_import_the_web_layer(path: Path) -> None:
    """Dependencies point one way: cli -> web -> core (stores, query, curation, search ...)."""
    web = {name for name in imported_modules(path) if name.split(".")[:2] == ["kg", "web"]}
    assert not web, f"{path.relative_to(PROJECT_ROOT)} imports {web}"


def test_blueprints_are_registered_in_one_place() -> None:
    registering = sorted(
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if "register_blueprint(" in path.read_text(encoding="utf-8")
    )
    assert registering == ["web/__init__.py"]


def test_the_app_state_is_read_only_through_the_context_module() -> None:
    readers = sorted(
        path.relative_to(SRC).as_posix()
        for path in (SRC / "web").glob("*.py")
        if re.search(r"extensions\[\"kg\.store\"\]|config\[\"KG_SETTINGS\"\]", path.read_text())
        and path.name not in {"__init__.py", "context.py"}
    )
    assert readers == []


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


def test_the_docs_carry_the_whole_settings_table() -> None:
    """docs/configuration.md holds the table ``kg settings --markdown`` writes, row for row."""
    docs = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert markdown_table() in docs, "regenerate it: kg settings --markdown"


def test_the_settings_fields_are_the_table() -> None:
    fields = {field.name: field.default for field in dataclasses.fields(Settings)}
    assert fields == {setting.name: setting.default for setting in SETTINGS}


def setting_actions(command: str) -> dict[str, argparse.Action]:
    """The options of ``kg command`` whose destination is a setting."""
    parser = argparse.ArgumentParser()
    importlib.import_module(f"kg.cli.{command.replace('-', '_')}").add_arguments(parser)
    names = {setting.name for setting in SETTINGS}
    return {action.dest: action for action in parser._actions if action.dest in names}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_command_options_that_are_settings_come_from_the_table(command: str) -> None:
    """Same option, same type, no default of its own: a setting is never hand-copied."""
    actions = setting_actions(command)
    expected = {s.name for s in SETTINGS if command in s.commands}
    assert set(actions) == expected
    for name, action in actions.items():
        setting = SETTINGS_BY_NAME[name]
        assert action.option_strings == [setting.option]
        assert action.default is None  # the table's default applies (through the environment)
        if setting.kind is not bool:
            assert action.type is setting.kind


def test_an_option_overrides_the_environment_which_overrides_the_default() -> None:
    args = build_parser().parse_args(["serve", "--port", "9001"])
    with patch.dict(os.environ, {"KG_PORT": "9002", "KG_WORKERS": "5"}):
        settings = settings_from(args)
    assert (settings.port, settings.workers, settings.threads) == (9001, 5, 0)


def test_a_bad_environment_value_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with patch.dict(os.environ, {"KG_TIMEOUT": "soon"}):
        assert main(["settings"]) == ExitCode.BAD_INPUT
    assert "KG_TIMEOUT='soon' is not a valid float" in capsys.readouterr().err


def test_kg_settings_never_prints_a_secret(capsys: pytest.CaptureFixture[str]) -> None:
    with patch.dict(os.environ, {"KG_STORE_PASSWORD": "hunter2", "KG_PORT": "8123"}):
        assert main(["settings"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "hunter2" not in out and "store_password = ***" in out
    assert "port = 8123  (environment: KG_PORT)" in out


def integer_returns(path: Path) -> list[int]:
    """Line numbers of ``return`` statements in ``path`` that can return a bare int literal."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Return) and node.value is not None and _literal_int(node.value)
    ]


def _literal_int(value: ast.expr) -> bool:
    if isinstance(value, ast.IfExp):
        return _literal_int(value.body) or _literal_int(value.orelse)
    return isinstance(value, ast.Constant) and type(value.value) is int


@pytest.mark.parametrize("path", sorted((SRC / "cli").glob("*.py")), ids=lambda p: p.stem)
def test_commands_exit_with_the_one_table_of_codes(path: Path) -> None:
    assert not integer_returns(path), f"{path.name}: return an ExitCode, not a number"


def test_the_exit_codes_are_documented() -> None:
    docs = (DOCS / "configuration.md").read_text(encoding="utf-8")
    for code in ExitCode:
        assert f"| {code.value} | `{code.name}` |" in docs


def test_every_route_is_documented(app: Flask) -> None:
    docs = all_docs()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        documented = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        assert f"`{documented}" in docs or f"`{rule.rule}" in docs, (
            f"route {rule.rule} undocumented"
        )


ARCHITECTURE = DOCS / "architecture.md"


@pytest.mark.parametrize(
    "path", sorted(SRC.rglob("*.py")), ids=lambda p: p.relative_to(SRC).as_posix()
)
def test_every_module_is_on_the_architecture_map(path: Path) -> None:
    assert f"`{path.relative_to(SRC).as_posix()}`" in ARCHITECTURE.read_text(encoding="utf-8")


def test_every_module_on_the_map_exists() -> None:
    named = re.findall(r"`([a-z_/]+\.py)`", ARCHITECTURE.read_text(encoding="utf-8"))
    missing = [name for name in named if not (SRC / name).is_file()]
    assert named and not missing, f"docs/architecture.md names missing modules: {missing}"
