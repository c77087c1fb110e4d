"""No import cycle between the parts of the code base (read from the source, statically).

A part is the `evaluators` package, each subpackage of `hotseat` (engine, store, ui,
studio...) and each top-level module of `hotseat` (errors, settings, batch_grade...).
`hotseat/__main__.py` is an entry point, not a part others build on, so it is left out.
A cycle means a change in one part can break the other in both directions: the layering
is pages -> ui/studio -> engine -> store/llm/personas -> errors/settings, and
evaluators sit beside the engine.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _part(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "evaluators":
        return "evaluators"
    if parts[0] != "hotseat":
        return None
    if len(parts) == 1:
        return "hotseat"
    return f"hotseat.{parts[1]}"


def _modules() -> list[tuple[str, Path]]:
    out = []
    for top in ("hotseat", "evaluators"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            name = ".".join(rel.parts).removesuffix(".__init__")
            if name != "hotseat.__main__":
                out.append((name, path))
    return out


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in _modules():
        source = _part(name)
        assert source is not None
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                part = _part(target)
                # "from hotseat import x" names the part x when x is a module or package.
                if part == "hotseat" and target.count(".") >= 1:
                    continue
                if part and part != source and _exists(part):
                    graph.setdefault(source, set()).add(part)
    return graph


def _exists(part: str) -> bool:
    rel = Path(*part.split("."))
    return (ROOT / rel).is_dir() or (ROOT / rel).with_suffix(".py").is_file()


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_has_no_cycle() -> None:
    graph = import_graph()
    assert {"evaluators", "hotseat.ui", "hotseat.studio", "hotseat.engine"} <= set(graph)
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None
