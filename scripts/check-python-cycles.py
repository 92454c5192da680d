"""Fails (exit 1) when the modules of a Python package import each other in a cycle.

Usage: python3 scripts/check-python-cycles.py backends/fastapi/tandem_api

Every import statement counts, wherever it sits: at the top, inside a function or under
``if TYPE_CHECKING`` — an import moved into a function hides a cycle, it does not remove it.
Only imports between the package's own modules are followed.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Dict, List, Optional, Set


def module_name(root: Path, file: Path) -> str:
    parts = list(file.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(current: str, is_package: bool, level: int, target: Optional[str]) -> str:
    """The absolute name of ``from <level dots><target> import …`` written in module ``current``."""
    if level == 0:
        return target or ""
    base = current.split(".")
    if not is_package:
        base.pop()
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def import_graph(root: Path) -> Dict[str, Set[str]]:
    files = {module_name(root, f): f for f in sorted(root.rglob("*.py"))}
    graph: Dict[str, Set[str]] = {name: set() for name in files}
    for name, file in files.items():
        is_package = file.name == "__init__.py"
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
            targets: List[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = resolve(name, is_package, node.level, node.module)
                # `from . import queries` imports the submodule; `from .x import y` imports x.
                targets = [source, *(f"{source}.{alias.name}" for alias in node.names)]
            for target in targets:
                if target in files and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    components: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [path_through(graph, set(component)) for component in components]


def path_through(graph: Dict[str, Set[str]], component: Set[str]) -> List[str]:
    """A concrete cycle inside a component, for the message: start → … → start."""
    start = min(component)
    previous: Dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & component):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return sorted(component)


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        print("usage: check-python-cycles.py <package directory>", file=sys.stderr)
        return 2
    root = Path(argv[0]).resolve()
    graph = import_graph(root)
    found = cycles(graph)
    for cycle in found:
        print("import cycle: " + " -> ".join(cycle), file=sys.stderr)
    if found:
        return 1
    print(f"{root.name}: {len(graph)} modules, no import cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
