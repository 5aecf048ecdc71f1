"""The import rules of DESIGN.md, read from the source: layers point one way, no module
imports another inside a function, and no two modules import each other (directly or
round a circle). A new arrow pointing up fails here, naming it."""

from __future__ import annotations

import ast
from pathlib import Path

# "api" (the JSON API) sits on top like workflows; it may import core and grants only
# (test_the_api_reads_core_and_grants_only), and no layer below imports it.
LAYERS = ["core", "accounts", "grants", "budgets", "reports", "workflows", "api"]
ROOT = Path(__file__).resolve().parent.parent


def _modules() -> dict[str, ast.Module]:
    modules = {}
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
            modules[name] = ast.parse(path.read_text(encoding="utf-8"))
    return modules


MODULES = _modules()


def _imported(node: ast.AST) -> list[str]:
    """The project modules an import statement names (``from a import b`` may import module ``a.b``)."""
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    elif isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        return []
    return [name for name in names if name in MODULES]


def _edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, tree in MODULES.items():
        for node in ast.walk(tree):
            edges[name].update(target for target in _imported(node) if target != name)
    return edges


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def _upward(edges: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} → {b}" for a, targets in edges.items() for b in targets if _layer(b) > _layer(a))


def _cycles(edges: dict[str, set[str]]) -> list[str]:
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                cycles.append(" → ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    return cycles


def test_imports_point_down_the_layers_only():
    assert _upward(_edges()) == []


def test_no_project_import_hides_inside_a_function():
    hidden = []
    for name, tree in MODULES.items():
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if id(node) not in top_level and _imported(node):
                hidden.append(f"{name}:{node.lineno}")
    assert hidden == []


def test_no_two_modules_import_each_other_round_a_circle():
    assert _cycles(_edges()) == []


def test_the_checks_see_an_arrow_up_and_a_circle():
    """They would notice a violation, and the graph holds what the files say."""
    made_up = {
        "budgets.ledger": {"workflows.common.audit"},
        "reports.services": {"reports.tasks"},
        "reports.tasks": {"reports.services"},
    }
    assert _upward(made_up) == ["budgets.ledger → workflows.common.audit"]
    assert _cycles(made_up) == ["reports.services → reports.tasks → reports.services"]
    edges = _edges()
    assert {"workflows.common.audit", "budgets.ledger"} <= edges["workflows.applications.services"]
    assert "reports.services" in edges["reports.tasks"]


def _creates(model: str) -> list[str]:
    """The modules that write rows through ``<model>.objects.create`` (or its bulk and get-or variants)."""
    places = []
    for name, tree in MODULES.items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("create", "bulk_create", "get_or_create", "update_or_create")
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "objects"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == model
            ):
                places.append(name)
    return sorted(set(places))


def test_the_audit_trail_the_change_history_and_the_ledger_have_one_writer_each():
    assert _creates("AuditRecord") == ["workflows.common.audit"]
    assert _creates("LedgerEntry") == ["budgets.ledger"]
    assert _creates("ChangeRecord") == ["core.changes"]


def test_the_api_reads_core_and_grants_only():
    edges = _edges()
    allowed = ("core", "grants", "api")
    wrong = sorted(
        f"{a} → {b}"
        for a, targets in edges.items()
        if a.startswith("api")
        for b in targets
        if b.split(".")[0] not in allowed
    )
    assert wrong == []
    assert "grants.memberships" in edges["api.api"]
    assert _upward({"grants.memberships": {"api.models"}}) == ["grants.memberships → api.models"]
