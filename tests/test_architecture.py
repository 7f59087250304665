"""The app's layout: imports among its modules form no cycle, none is made
inside a function, and the app never imports the site that installs it."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "health_articles"
PACKAGE = APP.name


def _module_name(path):
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    _module_name(path): path
    for path in sorted(APP.rglob("*.py"))
    if "migrations" not in path.parts
}


def _is_package(name):
    return MODULES[name].name == "__init__.py"


def _imports(name):
    """(imported module, line, inside a function) for each import of an app
    module that module ``name`` makes, relative imports resolved."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if _is_package(name) else name.rpartition(".")[0]
    functions = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # "from package import module" imports the module.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in (PACKAGE, "blogsite"):
                found.append((target, node.lineno, id(node) in functions))
    return found


def _graph():
    """Each app module's app imports: the module imported and the packages
    it lies in (an import runs their ``__init__``), but not the importer's
    own packages, which are loading already."""
    graph = {}
    for name in MODULES:
        own = {name.rsplit(".", depth)[0] for depth in range(name.count(".") + 1)}
        edges = set()
        for target, _line, _inside in _imports(name):
            parts = target.split(".")
            for end in range(1, len(parts) + 1):
                step = ".".join(parts[:end])
                if step in MODULES and step not in own:
                    edges.add(step)
        graph[name] = edges
    return graph


def _cycles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                components.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return components


def test_the_app_modules_are_found():
    assert {"health_articles.models", "health_articles.api.views"} <= set(MODULES)


def test_no_import_cycles_among_the_app_modules():
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


# AppConfig.ready() is where Django has an app connect its signal handlers,
# which read models that are not loaded when apps.py is.
WIRED_IN_READY = {(f"{PACKAGE}.apps", f"{PACKAGE}.signal_handlers")}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_app_import_inside_a_function(name):
    inside = [
        (target, line)
        for target, line, nested in _imports(name)
        if nested and (name, target) not in WIRED_IN_READY
    ]
    assert inside == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_the_app_never_imports_the_site(name):
    assert [t for t, _line, _nested in _imports(name) if t.startswith("blogsite")] == []
