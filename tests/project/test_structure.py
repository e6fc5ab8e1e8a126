"""The code keeps its shape: the layers hold (``lint-imports`` with the contracts in
pyproject.toml), no module hides an import inside a function unless that import breaks a
cycle, test helpers have one home, and no module grows past about 500 lines.

A function-level import hides a dependency from readers and from import-linter; it is only
worth it where the module-level import would run in a circle (the imported module already
imports, directly or not, the importing one) or where Django wants it
(``AppConfig.ready``). Third-party imports are not checked: a heavy optional library
(openpyxl) may wait until a spreadsheet arrives.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.support.paths import ROOT

PACKAGES = ("deliberation", "workflows", "project")

#: Function-level imports that break no cycle and are allowed anyway: none.
PENDING: set[tuple[str, str]] = set()


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> set[str]:
    """Our modules that ``node`` runs (with their parent packages)."""
    if isinstance(node, ast.Import):
        names = {alias.name for alias in node.names}
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        names = {base} | {f"{base}.{alias.name}" for alias in node.names}
    targets = set()
    for name in names:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            if ".".join(parts[:i]) in MODULES:
                targets.add(".".join(parts[:i]))
    return targets


def _ancestors(module: str) -> set[str]:
    """The module and its packages: already imported whenever its code runs."""
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(module: str) -> tuple[set[str], list[tuple[int, str, set[str]]]]:
    """(what the module imports when it is imported, [(line, function, targets)] of the
    imports that run only when a function is called)."""
    path = MODULES[module]
    is_package = path.name == "__init__.py"
    at_import: set[str] = set()
    deferred: list[tuple[int, str, set[str]]] = []

    def visit(node: ast.AST, function: str | None) -> Iterator[None]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from visit(child, function or child.name)
            elif isinstance(child, ast.Import | ast.ImportFrom):
                targets = _targets(child, module, is_package) - _ancestors(module)
                if function is None:
                    at_import.update(targets)
                elif targets:
                    deferred.append((child.lineno, function, targets))
            else:
                yield from visit(child, function)

    list(visit(ast.parse(path.read_text()), None))
    return at_import, deferred


GRAPH = {module: _imports(module) for module in MODULES}


def _reaches(start: str, goal: str) -> bool:
    seen, stack = set(), [start]
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(GRAPH[current][0])
    return False


def test_the_import_contracts_hold() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_function_level_imports_only_break_cycles() -> None:
    needless = []
    for module, (_at_import, deferred) in GRAPH.items():
        for line, function, targets in deferred:
            if function == "ready" and module.endswith(".apps"):
                continue  # Django: models and signals once the app registry is ready
            if any(_reaches(target, module) or (module, target) in PENDING for target in targets):
                continue
            where = MODULES[module].relative_to(ROOT)
            needless.append(f"{where}:{line} imports {max(targets, key=len)}")
    assert needless == [], "move these imports to the top of the module:\n" + "\n".join(needless)


#: Test packages still importing helpers from conftest.py: none.
CONFTEST_IMPORTS_PENDING: tuple[str, ...] = ()


def test_test_helpers_come_from_tests_support() -> None:
    """Helpers live in ``tests.support`` (one copy each); conftest.py only holds fixtures."""
    importing = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        package = path.relative_to(ROOT / "tests").parts[0]
        if package in CONFTEST_IMPORTS_PENDING or path.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "tests.conftest":
                importing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert importing == []


#: A module this long does more than one thing; split it by step or by area.
MAX_LINES = 500

#: Modules allowed over the limit: none.
LONG_MODULES_PENDING: set[str] = set()


def test_no_module_is_over_500_lines() -> None:
    long = []
    for path in MODULES.values():
        where = str(path.relative_to(ROOT))
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES and where not in LONG_MODULES_PENDING:
            long.append(f"{where}: {lines} lines")
    assert long == []
