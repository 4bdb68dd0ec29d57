"""The package's import graph (read with ast, nothing imported): no circles, and no import from a
lower layer to a higher one (ARCHITECTURE.md)."""
import ast
import builtins
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "analysis"
# Lowest first; a module may import from its own layer and those below it.
LAYERS = [
    ("foundation", {"paths", "errors", "vocab", "keys", "io", "schemas", "metrics", "numerics", "device", "lexicon",
                    "textsafe", "outputs"}),
    ("corpus", {"corpus"}),
    ("statements", {"attribution", "statements", "evaluate"}),
    ("model", {"runtime", "classifier", "scorecache", "scoring"}),
    ("speakers", {"speakers"}),
    ("figures", {"figures"}),
    ("training", {"recipes", "card", "train", "soup", "labels", "adapt", "widgets"}),
    ("pipeline", {"stages", "parts", "store", "cluster", "build", "jupyter"}),
    ("interface", {"cli", "__main__", "__init__"}),
]
LAYER = {top: i for i, (_, tops) in enumerate(LAYERS) for top in tops}
# Inside a subpackage, the same rule over its modules (lowest first; the package's __init__ on top).
SUBLAYERS = {
    "corpus": ["encoding", "segment", "credits", "formats", "load"],
    "cli": ["common", "articles", "statements", "score", "stance", "run", "figures", "train", "soup", "adapt"],
}


def modules():
    """{dotted module name: path} of every module of the package."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.with_suffix("").relative_to(PACKAGE.parent).parts)
        out[name.removesuffix(".__init__")] = path
    return out


def imports(name, path, known):
    """The package modules that module ``name`` (file ``path``) imports, at any depth of its code."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # "from . import x" imports x, not the package; "from .m import x" imports m (or m.x)
            candidates = [f"{base}.{a.name}" for a in node.names] + ([base] if node.module else [])
            found.update(c for c in candidates if c in known)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
    found.discard(name)
    return found


def graph():
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def top_level(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return out


def test_every_module_has_a_layer():
    assert {top_level(name) for name in modules()} <= set(LAYER), set(map(top_level, modules())) - set(LAYER)


def test_no_import_circles():
    assert cycles(graph()) == []


def test_no_import_from_a_lower_layer_to_a_higher_one():
    upward = sorted((a, b) for a, targets in graph().items() for b in targets
                    if LAYER[top_level(b)] > LAYER[top_level(a)])
    assert upward == []


def sublayer(name):
    """(subpackage, rank) of a module inside a subpackage listed in SUBLAYERS, else None."""
    parts = name.split(".")
    if len(parts) < 2 or parts[1] not in SUBLAYERS:
        return None
    order = SUBLAYERS[parts[1]]
    return parts[1], order.index(parts[2]) if len(parts) > 2 else len(order)


def test_every_subpackage_module_has_a_sublayer():
    listed = {f"analysis.{pkg}.{sub}" for pkg, subs in SUBLAYERS.items() for sub in subs}
    inside = {".".join(n.split(".")[:3]) for n in modules() if n.split(".")[1:2] and n.split(".")[1] in SUBLAYERS}
    assert inside - {f"analysis.{pkg}" for pkg in SUBLAYERS} == listed


def test_no_import_from_a_lower_module_to_a_higher_one_inside_a_subpackage():
    upward = sorted((a, b) for a, targets in graph().items() for b in targets
                    if sublayer(a) and sublayer(b) and sublayer(a)[0] == sublayer(b)[0]
                    and sublayer(b)[1] > sublayer(a)[1])
    assert upward == []


def exception_classes(path, known):
    """Names of the classes defined in ``path`` that derive from a builtin exception or from one of ``known``."""
    builtin = {name for name, value in vars(builtins).items()
               if isinstance(value, type) and issubclass(value, BaseException)}
    return sorted(node.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                  if isinstance(node, ast.ClassDef)
                  and any(getattr(base, "id", getattr(base, "attr", None)) in builtin | known for base in node.bases))


def test_every_exception_is_defined_in_errors():
    errors = PACKAGE / "errors.py"
    known = set(exception_classes(errors, set()))
    elsewhere = {str(path.relative_to(PACKAGE)): exception_classes(path, known)
                 for path in PACKAGE.rglob("*.py") if path != errors}
    assert {path: names for path, names in elsewhere.items() if names} == {}


def test_the_checks_can_fail(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("from . import b\nfrom .c import x\n\ndef f():\n    from .d import y\n")
    known = {"pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d"}
    assert imports("pkg.a", tmp_path / "pkg" / "a.py", known) == {"pkg.b", "pkg.c", "pkg.d"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert sublayer("analysis.corpus.formats.txt") == ("corpus", 3) and sublayer("analysis.corpus") == ("corpus", 5)
    assert sublayer("analysis.io") is None and sublayer("analysis") is None
    (tmp_path / "e.py").write_text("class A(ValueError): ...\nclass B(A): ...\nclass C: ...\n")
    assert exception_classes(tmp_path / "e.py", set()) == ["A"]
    assert exception_classes(tmp_path / "e.py", {"A"}) == ["A", "B"]
