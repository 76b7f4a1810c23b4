"""The layout keeps its properties (docs/internals.rst, "The layout").

* the public modules are facades: no ctypes, no version logic, no layouts;
* no module outside ``pyossl/_binding`` compares OpenSSL generations or
  reads a struct field by offset;
* no import cycle inside ``pyossl/``;
* every class that owns an OpenSSL handle derives from the one ownership
  base;
* every record of the declaration table is used by some pyossl code.
"""

import ast
import importlib
import os
import re

import pytest

from pyossl._binding import records, table
from pyossl._runtime.ownership import Owner

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "pyossl")
PUBLIC = ("crypto.py", "SSL.py", "rand.py")


def _sources():
    """{module name: (path, source)} for every module of the package."""
    found = {}
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
            if rel.endswith(".__init__"):
                rel = rel[:-len(".__init__")]
            with open(path, encoding="utf-8") as f:
                found[rel] = (path, f.read())
    return found


SOURCES = _sources()


def _is_type_checking(node):
    test = getattr(node, "test", None)
    return (isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")))


def _imports(module, tree):
    """The pyossl modules *module* imports (at any depth, except under
    ``if TYPE_CHECKING:``, which never runs)."""
    package = module if module in _packages() else module.rsplit(".", 1)[0]
    out = set()

    def visit(node):
        if _is_type_checking(node):
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("pyossl"):
                    out.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module
                                          else []))
            else:
                target = node.module or ""
            if target.startswith("pyossl"):
                for alias in node.names:
                    sub = target + "." + alias.name
                    out.add(sub if sub in SOURCES else target)
        for child in ast.iter_child_nodes(node):
            visit(child)
    visit(tree)
    out.discard(module)
    return out


def _packages():
    return {name for name, (path, _) in SOURCES.items()
            if path.endswith("__init__.py")}


def _parsed(name):
    return ast.parse(SOURCES[name][1])


# ---------------------------------------------------------------- facades --

@pytest.mark.parametrize("filename", PUBLIC)
def test_public_modules_are_facades(filename):
    name = "pyossl." + filename[:-3]
    tree = _parsed(name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "ctypes"
                           for a in node.names), filename
        if isinstance(node, ast.ImportFrom):
            assert node.module != "ctypes", filename
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("generation", "since", "from_address",
                                     "version_num"), (filename, node.attr)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            pytest.fail("%s defines %s: code belongs in the private "
                        "packages" % (filename, node.name))


def test_no_generation_logic_or_offsets_outside_the_binding():
    """Version differences are the table's (``since=``/``until=``,
    ``Macro``); wrappers may ask ``lib.since("1.1")`` or
    ``lib.available(name)``, never compare generation numbers.  Struct
    fields are read only by pyossl/_binding/layouts.py."""
    for name, (path, source) in SOURCES.items():
        if name.startswith(("pyossl._binding", "pyossl._loader")):
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Attribute):
                assert node.attr != "generation", (path, node.lineno)
            if isinstance(node, ast.Name):
                assert node.id != "_GEN", (path, node.lineno)
            if isinstance(node, ast.ClassDef):
                bases = [getattr(b, "id", getattr(b, "attr", ""))
                         for b in node.bases]
                assert "Structure" not in bases and "Union" not in bases, (
                    "%s:%d: struct layouts go to _binding/layouts.py"
                    % (path, node.lineno))
            if (isinstance(node, ast.Call)
                    and getattr(node.func, "attr", "") == "from_address"
                    and node.args and isinstance(node.args[0], ast.BinOp)):
                pytest.fail("%s:%d: pointer + offset outside "
                            "_binding/layouts.py" % (path, node.lineno))


# ----------------------------------------------------------------- imports --

def test_no_import_cycle_inside_the_package():
    graph = {name: _imports(name, ast.parse(src))
             for name, (_, src) in SOURCES.items()}
    state = {}
    stack = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == "open":
                cycle = stack[stack.index(dep):] + [dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)


# --------------------------------------------------------------- ownership --

OWNERS = [
    ("pyossl.SSL", ("Context", "Connection", "Session")),
    ("pyossl.crypto", ("PKey", "X509", "X509Name", "X509Req",
                       "X509Extension", "X509Store", "X509StoreContext",
                       "CRL", "Revoked", "PKCS7", "NetscapeSPKI")),
]


@pytest.mark.parametrize("module,names", OWNERS)
def test_handle_classes_derive_from_owner(module, names):
    mod = importlib.import_module(module)
    for name in names:
        assert issubclass(getattr(mod, name), Owner), name


def test_every_class_that_owns_a_handle_derives_from_owner():
    """Any class whose code calls ``own(...)``/``self._own(...)`` or names
    a ``_handle_free`` function."""
    for name, (path, source) in SOURCES.items():
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.ClassDef):
                continue
            owns = False
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call):
                    func = sub.func
                    called = getattr(func, "id", getattr(func, "attr", ""))
                    owns = owns or called in ("own", "_own")
                if isinstance(sub, ast.Assign):
                    owns = owns or any(getattr(t, "id", "") == "_handle_free"
                                       for t in sub.targets)
            if owns and node.name != "Owner":
                cls = getattr(importlib.import_module(name), node.name)
                assert issubclass(cls, Owner), "%s.%s" % (name, node.name)


# ------------------------------------------------------------ table usage --

# Records no pyossl code calls, each with its reason to stay.
USED_ELSEWHERE = {
    # named by pyOpenSSL's 16.0 changelog as crypto._lib.<this>(b"default")
    "ASN1_STRING_set_default_mask_asc": "public through crypto._lib",
    # read by the loader before the table is bound, and shown by it
    "OpenSSL_version_num": "the loader and openssl_info()",
    # the loader initialises OpenSSL with these
    "OPENSSL_init_ssl": "loader", "SSL_library_init": "loader",
    "SSL_load_error_strings": "loader", "ERR_load_crypto_strings": "loader",
    "OPENSSL_add_all_algorithms_noconf": "loader",
    "CRYPTO_num_locks": "loader", "CRYPTO_set_locking_callback": "loader",
    "CRYPTO_get_locking_callback": "loader",
    "OPENSSL_INIT_LOAD_SSL_STRINGS": "loader",
    "OPENSSL_INIT_LOAD_CRYPTO_STRINGS": "loader", "CRYPTO_LOCK": "loader",
    # what the OP_*/MODE_* export picks from lib.constants by prefix
    "SSL_OP_": "constants._export_prefixed", "SSL_MODE_": "idem",
}


def _code_outside_the_table():
    """pyossl's code and its tests (a record only a test calls is there to
    let the test drive OpenSSL: a real peer's callback, an error to
    report)."""
    skip = ("pyossl._binding.decls_", "pyossl._binding.table",
            "pyossl._binding.records")
    texts = [src for name, (_, src) in SOURCES.items()
             if not name.startswith(skip)]
    tests = os.path.join(ROOT, "tests")
    for name in os.listdir(tests):
        if name.endswith(".py") and name != os.path.basename(__file__):
            with open(os.path.join(tests, name), encoding="utf-8") as f:
                texts.append(f.read())
    return "\n".join(texts)


def _used_by_the_table_itself():
    """Names that macros of the table build on (``lib.BIO_ctrl`` in a ctrl
    macro) and that factories reach by name (``_ctrl("SSL_ctrl", ...)``),
    but not the names the records declare."""
    text = "\n".join(src for name, (_, src) in SOURCES.items()
                     if name.startswith("pyossl._binding.decls_"))
    text = re.sub(r"\b(Fn|Macro|Const|Const\.same)\(\s*\"\w+\"", "", text)
    return set(re.findall(r"lib\.(\w+)", text)) | set(
        re.findall(r"\"(\w+)\"", text))


def test_every_table_record_is_used():
    code = _code_outside_the_table()
    # lib.NAME, or "NAME" handed to getattr/requires/read_from_bio
    words = set(re.findall(r"\.(\w+)", code)) | set(
        re.findall(r"[\"'](\w+)[\"']", code))
    inside = _used_by_the_table_itself()
    unused = []
    for rec in table.DECLARATIONS:
        name = rec.name
        if name in words or name in inside:
            continue
        if any(name == k or (k.endswith("_") and name.startswith(k))
               for k in USED_ELSEWHERE):
            continue
        unused.append(name)
    assert not unused, "declared but used by no pyossl code: %s" % (
        ", ".join(sorted(set(unused))))


def test_availability_is_spelled_with_version_names():
    for section in table.SECTIONS:
        for rec in section:
            if isinstance(rec, records.Const):
                assert set(rec.values) <= set(records.ALL)
            else:
                assert rec.gens and set(rec.gens) <= set(records.ALL)
    for name, (path, source) in SOURCES.items():
        if name.startswith("pyossl._binding.decls_"):
            assert not re.search(r"\bgens=|\b(OLD|NEW|PRE3|V3|G102|G11|G3)\b",
                                 source), path
