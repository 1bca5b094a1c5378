"""The layer rule: an app imports only apps below it (docs/architecture.md, "Layers, one direction").

Every module of every app is parsed (module-level and function-level imports, `import x` and `from x import y`);
management commands and migrations belong to their app. tests/, bench/ and scripts/ are exempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = (
    "core",
    "organizations",
    "audit",
    "documents",
    "signing",
    "notifications",
    "workflow",
    "receiving",
    "exchange",
    "personal",
    "records",
    "search",
    "auditors",
    "config",
)
RANK = {app: rank for rank, app in enumerate(ORDER)}


def imported_apps(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every import of a project app in a parsed module, nested ones included."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return [(line, module) for line, module in found if module.split(".")[0] in RANK]


def upward_imports(app: str) -> list[str]:
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in imported_apps(tree):
            if RANK[module.split(".")[0]] > RANK[app]:
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return problems


def test_every_app_exists_and_is_ranked():
    # given the order written in docs/architecture.md
    # then each app of the order is a package of the project
    assert [app for app in ORDER if not (ROOT / app / "__init__.py").is_file()] == []


def test_no_app_imports_an_app_above_it():
    # given every module of every app
    # when its imports are read
    problems = [problem for app in ORDER for problem in upward_imports(app)]
    # then none reaches a higher layer
    assert problems == [], "imports against the layer order " + " < ".join(ORDER) + ":\n" + "\n".join(problems)


def test_the_check_sees_nested_and_plain_imports():
    # given a function-level `import` and `from` of higher apps
    tree = ast.parse("def f():\n    import workflow.actions\n    from signing import services\n")
    # when the imports are read
    found = imported_apps(tree)
    # then both are found with their lines
    assert found == [(2, "workflow.actions"), (3, "signing")]
