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


# Ray is an optional extra: only these modules import it, and others load them lazily.
RAY_MODULES = {f"hotseat.ray_batch.{m}" for m in ("cluster", "pool", "grade", "simulate")}


def _top_level_imports(tree: ast.Module) -> list[str]:
    """Modules imported when the module itself is imported (not inside a function)."""
    names: list[str] = []
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        stack.extend(ast.iter_child_nodes(node))
    return names


def test_only_the_ray_modules_import_ray_and_others_load_them_lazily() -> None:
    for name, path in _modules():
        tree = ast.parse(path.read_text("utf-8"))
        everywhere = [
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
        ] + [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        if name not in RAY_MODULES:
            assert not [m for m in everywhere if m == "ray" or m.startswith("ray.")], name
        if not name.startswith("hotseat.ray_batch"):
            eager = [m for m in _top_level_imports(tree) if m in RAY_MODULES]
            assert not eager, f"{name} imports {eager} on import; import it where --ray is used"


def test_a_local_grade_never_loads_ray(tmp_path: Path) -> None:
    import subprocess
    import sys

    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "r1", "customer": "Where is my refund?", "reply": "Today, by 5pm."}\n')
    code = (
        "import sys; from hotseat.cli import main, build_parser; build_parser(); "
        "r = main(sys.argv[1:]); sys.exit(r or 'ray' in sys.modules)"
    )
    args = ["grade", str(src), "--out", str(tmp_path / "out.jsonl")]
    run = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True)
    assert run.returncode == 0, run.stderr.decode()
