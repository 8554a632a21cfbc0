"""The import graph of app/: no cycles between packages, and nothing imports what sits above it.

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


def module_name(path, root=APP):
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name, root):
    relative = Path(*name.split("."))
    return (root.parent / relative).with_suffix(".py").exists() or (root.parent / relative / "__init__.py").exists()


def _imported(node, importer, is_package, root):
    """The app modules one import statement names (from app.x import y: app.x.y when y is a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = importer.split(".") if is_package else importer.split(".")[:-1]
        anchor = package[: len(package) - node.level + 1]
        base = ".".join(anchor + ([base] if base else []))
    names = [f"{base}.{alias.name}" for alias in node.names]
    return [name if _is_module(name, root) else base for name in names]


def import_graph(root=APP):
    """{module: {(imported module of the package, line)}} for every module of root (app/)."""
    graph = defaultdict(set)
    for path in sorted(root.rglob("*.py")):
        importer = module_name(path, root)
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _imported(node, importer, path.name == "__init__.py", root):
                    if target == root.name or target.startswith(f"{root.name}."):
                        graph[importer].add((target, node.lineno))
    return graph


def package_of(module):
    """'app.delivery.sender' → 'delivery'; the composition root (app/__init__.py) is 'app'."""
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
    root = tmp_path / "app"
    for package in ("delivery", "services", "models"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "services" / "audit.py").write_text("")
    (root / "models" / "base.py").write_text("")
    (root / "delivery" / "sender.py").write_text(
        "from . import policy\nfrom ..models import base\n\n\ndef later():\n    from app.services import audit\n"
    )
    (root / "delivery" / "policy.py").write_text("")
    graph = import_graph(root)
    assert {target for target, _ in graph["app.delivery.sender"]} == {
        "app.delivery.policy", "app.models.base", "app.services.audit",
    }, "relative imports resolve, a function-level import counts, and `from x import module` names the module"
    assert package_edges(graph)[("delivery", "services")] == [("app.delivery.sender", "app.services.audit", 6)]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_reaches_above_its_package(package):
    offending = [
        f"{importer}:{line} imports {target}"
        for (source, imported), found in package_edges().items()
        if source == package and imported in FORBIDDEN[package]
        for importer, target, line in found
    ]
    assert not offending, f"app/{package}/ must not import {sorted(FORBIDDEN[package])}:\n" + "\n".join(offending)


# a plain `rq worker` runs these jobs without an app, so they build one from the composition root
ROOT_IMPORTERS = {"app.delivery.jobs", "app.services.mail_queue"}


def cycles(edges):
    """The groups of packages that import each other round in a circle (Tarjan's components)."""
    graph = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group, member = set(), None
            while member != node:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
            if len(group) > 1:
                found.append(sorted(group))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def test_cycles_are_found():
    assert cycles([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]) == [["a", "b", "c"]]
    assert cycles([("a", "b"), ("b", "c")]) == []


def test_no_cycle_between_packages():
    edges = {pair: found for pair, found in package_edges().items() if pair[1] != "app"}
    circles = cycles(edges)
    detail = [
        f"{importer}:{line} imports {target}"
        for circle in circles for (source, imported), found in edges.items()
        if source in circle and imported in circle for importer, target, line in found
    ]
    assert not circles, f"packages import each other in a circle {circles}:\n" + "\n".join(detail)


def test_only_job_entry_points_import_the_composition_root():
    importers = {importer for (source, imported), found in package_edges().items()
                 if imported == "app" for importer, _, _ in found}
    assert importers <= ROOT_IMPORTERS, f"only {sorted(ROOT_IMPORTERS)} may import create_app: {sorted(importers)}"


def test_only_the_queue_module_imports_rq():
    importers = set()
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name == "rq" or name.startswith("rq.") for name in names):
                importers.add(module_name(path))
    assert importers == {"app.core.queue"}, sorted(importers)
