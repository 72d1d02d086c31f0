"""The package is cut at data/processed: the stages are folders, no module imports in a cycle, the
analysis half never imports the build half, and the Makefile's data rule names what the build imports."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

from analysis import paths

PACKAGE = paths.ROOT / "src" / "analysis"


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")


def import_graph() -> dict[str, set[str]]:
    """module -> the analysis modules it imports (anywhere in the file, functions included)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("analysis"))
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return cycles


def test_no_module_imports_in_a_cycle() -> None:
    assert _cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_analysis_half_imports_nothing_from_the_build() -> None:
    graph = import_graph()
    analysis_half = [m for m in graph if not m.startswith("analysis.build")]
    offenders = {m: sorted(d for d in graph[m] if d.startswith("analysis.build")) for m in analysis_half}
    assert {m: d for m, d in offenders.items() if d} == {}


def _packages_loaded_by(modules: str, packages: set[str]) -> list[str]:
    """Which of `packages` (top-level names) a fresh interpreter holds in sys.modules after `import modules`."""
    code = f"import json, sys, {modules}; print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {packages!r})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_importing_the_analysis_half_loads_no_pdf_ods_or_schema_library() -> None:
    modules = "analysis.data, analysis.snapshots, analysis.overview, analysis.claims, analysis.publish.records"
    assert _packages_loaded_by(modules, {"pypdfium2", "python_calamine", "pandera", "pypdf"}) == []


def test_the_report_reader_and_parsers_start_without_pandas_or_the_ods_and_schema_libraries() -> None:
    """`python -m analysis.build` forks the readers from extract before importing the rest (extract's docstring)."""
    assert _packages_loaded_by("analysis.build.extract", {"pandas", "numpy", "python_calamine", "pandera"}) == []


def test_the_makefile_data_rule_names_the_build_and_every_shared_module_it_imports() -> None:
    graph = import_graph()
    build = {m for m in graph if m.startswith("analysis.build")}
    reached, todo = set(), list(build)
    while todo:
        module = todo.pop()
        for dependency in graph[module]:
            if dependency not in reached:
                reached.add(dependency)
                todo.append(dependency)
    shared = {m for m in reached if not m.startswith("analysis.build")} | {"analysis"}
    assert not {m for m in shared if m.split(".")[1:2] and m.split(".")[1] in ("claims", "publish", "models", "text")}
    makefile = (paths.ROOT / "Makefile").read_text()
    listed = re.search(r"SHARED_CODE :=((?:.*\\\n)*.*)", makefile).group(1)
    files = set(re.findall(r"src/analysis/[\w/]+\.py", listed))
    expected = {("src/" + m.replace(".", "/") + ("/__init__.py" if m == "analysis" else ".py")) for m in shared}
    assert files == expected
    assert "src/analysis/build/*.py" in makefile and "filter-out" not in makefile


def test_pytest_collects_the_build_tests() -> None:
    """pytest skips folders named "build" by default; pyproject's norecursedirs must not."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/build/test_sources.py",
        ],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        check=False,
    ).stdout
    assert re.search(r"(\d+) tests? collected", out) and "tests/build/test_sources.py::" in out
