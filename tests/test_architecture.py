"""The folder layout is the architecture: imports go one way, down the layers of docs/architecture.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "src" / "fivegood_core"
ARCHITECTURE = Path(__file__).parent.parent / "docs" / "architecture.md"

#: Lowest first. A module may import from its own layer's rooms and from lower layers, never from higher ones.
LAYERS = [
    {"words"},
    {"errors", "version"},
    {"model"},
    {"reading"},
    {"evidence"},
    {"kinds"},
    {"hookspecs"},
    {"evaluation"},
    {"catalogue"},
    {"engine"},
    {"batch", "render", "testing", "register"},
    {"server"},
    {"cli"},
]


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Every fivegood_core module each module imports, at any depth (type-only and lazy imports included)."""
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("fivegood_core"):
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    edges[name].add(target if target in modules else node.module)
            elif isinstance(node, ast.Import):
                edges[name].update(a.name for a in node.names if a.name in modules)
    return edges


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "<root>"


def _layer(room: str) -> int:
    return next(i for i, rooms in enumerate(LAYERS) if room in rooms)


def test_there_are_no_import_circles() -> None:
    modules = _modules()
    edges = _imports(modules)
    # Package __init__ modules only re-export; a circle through one is not a circle of ideas.
    inits = {m for m, p in modules.items() if p.name == "__init__.py"}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(edges[module] - inits):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[module] = 2
        path.pop()
        return None

    for module in sorted(set(modules) - inits):
        if module not in state:
            assert (cycle := visit(module)) is None, " → ".join(cycle)


def test_imports_go_down_the_layers() -> None:
    edges = _imports(_modules())
    wrong = []
    for module, targets in edges.items():
        if _room(module) == "<root>":
            continue  # the package root exports the public API from every layer
        for target in targets:
            if _room(target) != "<root>" and _layer(_room(target)) > _layer(_room(module)):
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_every_room_is_in_the_architecture_doc_and_a_layer() -> None:
    rooms = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    rooms |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    documented = set(re.findall(r"^\| `(\w+)/?` \|", ARCHITECTURE.read_text(encoding="utf-8"), flags=re.M))
    layered = set().union(*LAYERS)
    assert rooms == documented, (
        f"rooms missing from docs/architecture.md: {rooms - documented}; documented but absent: {documented - rooms}"
    )
    assert rooms == layered
