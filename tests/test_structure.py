"""The shape the code keeps: no import cycles, one seam from programs/ to applicants/."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("applicants", "programs", "neuromatch")
PURE_CORE = {"applicants.scoring", "applicants.listbuilder", "programs.normalise"}
MOST_LINES = 550


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Each module of the project's packages (migrations aside), by dotted name."""
    modules = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imported_names(path: Path) -> Iterator[str]:
    """Every absolute name an import anywhere in the file could refer to, inner imports too."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    return {
        name: {other for other in imported_names(path) if other in modules and other != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a loop."""
    reaches = {name: set() for name in graph}
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(graph[name])
        reaches[start] = seen
    groups = {
        frozenset({name} | {other for other in reaches[name] if name in reaches[other]})
        for name in graph
        if name in reaches[name]
    }
    return sorted(sorted(group) for group in groups)


@pytest.fixture(scope="module")
def modules() -> dict[str, Path]:
    return module_files()


def test_no_modules_import_each_other_round_a_loop(modules):
    assert cycles(import_graph(modules)) == []


def test_the_cycle_check_finds_a_loop_through_three_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_programs_reaches_applicants_only_through_program_pages(modules):
    crossings = {
        (name, other)
        for name, others in import_graph(modules).items()
        if name.startswith("programs")
        for other in others
        if other.startswith("applicants")
    }
    assert {other for _, other in crossings} == {"applicants.program_pages"}


def test_no_module_outside_the_pure_core_is_over_550_lines(modules):
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in modules.items()
        if name not in PURE_CORE
    }
    assert {name: lines for name, lines in sizes.items() if lines > MOST_LINES} == {}
