"""The import graph of app/: the engine and the models never import what sits above them.

Every import is read with ast, function-level ones included, so an import moved into a
function to dodge a cycle still counts. package_edges() gives the graph between packages,
for rules about packages as a whole (e.g. no cycles between them).
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
BLUEPRINTS = {"auth", "dashboard", "public", "api", "inspector"}
ABOVE_THE_ENGINE = BLUEPRINTS | {"services", "observability"}
# package → the packages it must never import
FORBIDDEN = {
    "delivery": ABOVE_THE_ENGINE,
    "models": ABOVE_THE_ENGINE | {"delivery"},
}


def module_name(path):
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name):
    relative = Path(*name.split("."))
    return (APP.parent / relative).with_suffix(".py").exists() or (APP.parent / relative / "__init__.py").exists()


def _imported(node, importer, is_package):
    """The app modules one import statement names (from app.x import y: app.x.y when y is a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = importer.split(".") if is_package else importer.split(".")[:-1]
        anchor = package[: len(package) - node.level + 1]
        base = ".".join(anchor + ([base] if base else []))
    names = [f"{base}.{alias.name}" for alias in node.names]
    return [name if _is_module(name) else base for name in names]


def import_graph():
    """{module: {(imported app module, line)}} for every module of app/."""
    graph = defaultdict(set)
    for path in sorted(APP.rglob("*.py")):
        importer = module_name(path)
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _imported(node, importer, path.name == "__init__.py"):
                    if target == "app" or target.startswith("app."):
                        graph[importer].add((target, node.lineno))
    return graph


def package_of(module):
    """'app.delivery.sender' → 'delivery'; a top-level module is a package of its own ('app.quotas' → 'quotas')."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "app"


def package_edges(graph=None):
    """{(importing package, imported package): [(module, imported module, line)]}, within-package imports left out."""
    edges = defaultdict(list)
    for importer, targets in (graph or import_graph()).items():
        for target, line in targets:
            if package_of(importer) != package_of(target):
                edges[(package_of(importer), package_of(target))].append((importer, target, line))
    return edges


def test_the_graph_sees_function_level_and_relative_imports(tmp_path):
    graph = import_graph()
    # app/delivery/outbox.py imports the job function inside enqueue() (a function-level import)
    assert any(target == "app.delivery.jobs" for target, _ in graph["app.delivery.outbox"])
    # "from app.services import audit" names the module app.services.audit, not the package
    assert any(target == "app.services.audit" for target, _ in graph["app.services.webhooks"])
    assert package_edges(graph)[("delivery", "models")], "delivery reads models"


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_reaches_above_its_package(package):
    offending = [
        f"{importer}:{line} imports {target}"
        for (source, imported), found in package_edges().items()
        if source == package and imported in FORBIDDEN[package]
        for importer, target, line in found
    ]
    assert not offending, f"app/{package}/ must not import {sorted(FORBIDDEN[package])}:\n" + "\n".join(offending)
