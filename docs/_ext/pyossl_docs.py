"""Sphinx directives for pyossl's API pages.

The API pages are written by hand, in the order of pyOpenSSL's documentation
(one section per object type, constants grouped with a shared description),
but they must keep up with modules that grow: so the pages name objects and
these directives decide, at build time, how each one is documented.

``.. pyossl-api::`` (content: one name per line)
    Each name of the current module (``.. currentmodule::``) is documented
    with autodoc: classes with all their members, exceptions with their
    bases, functions, and aliases (``X509Type``) as "alias of".  A name the
    module does not define is listed in a visible note instead of failing
    the build, so the page states plainly what is not provided.

``.. pyossl-data:: NAME [NAME ...]`` (content: the shared description)
    A group of constants with one description, like pyOpenSSL's pages.
    Names the module lacks are listed in a note; with the ``:optional:``
    flag (for constants beyond pyOpenSSL's documented set, or that only
    some OpenSSL builds define) they are left out silently.  A word with
    ``*`` (``OP_*``) stands for every public name matching it that the page
    has not documented yet.

``.. pyossl-remaining::``
    Documents every public name of the current module that the page has not
    documented yet, so a new name can never be left out of the reference.

:func:`pyossl_public.public_names` is the definition of "public name" used
here and by ``tests/test_docs.py``.
"""

import builtins
import fnmatch
import importlib
import re
import inspect
import types

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from pyossl_public import _defined_for, public_names

logger = logging.getLogger(__name__)



def _documented(env):
    return env.temp_data.setdefault("pyossl_documented", set())


class _ModuleDirective(SphinxDirective):

    def module(self):
        name = self.env.ref_context.get("py:module")
        if not name:
            raise self.error("%s needs a preceding '.. currentmodule::'"
                             % self.name)
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            # Not written yet: every name it should hold is "missing".
            module = types.ModuleType(name)
        if getattr(module, "__file__", None):
            self.env.note_dependency(module.__file__)
        return module

    def parse(self, lines):
        container = nodes.container()
        source = self.get_source_info()[0]
        content = StringList()
        for line in lines:
            content.append(line, source)
        self.state.nested_parse(content, self.content_offset, container)
        return container.children


def _rest_for(module, name, obj):
    """reST lines documenting *obj*, found as ``module.<name>``."""
    qual = "%s.%s" % (module.__name__, name)
    if inspect.isclass(obj):
        own = getattr(obj, "__name__", name) == name and \
            _defined_for(obj, module)
        if not own:
            return [".. autoclass:: %s" % qual, ""]
        if issubclass(obj, BaseException):
            return [".. autoexception:: %s" % qual,
                    "   :members:", "   :show-inheritance:", ""]
        return [".. autoclass:: %s" % qual,
                "   :members:", "   :undoc-members:", ""]
    if inspect.isroutine(obj):
        return [".. autofunction:: %s" % qual, ""]
    return [".. py:data:: %s" % name, ""]


class ApiDirective(_ModuleDirective):
    """``.. pyossl-api::`` -- see the module docstring."""

    has_content = True
    option_spec = {"optional": directives.flag}

    def run(self):
        module = self.module()
        documented = _documented(self.env)
        lines, missing = [], []
        for name in (line.strip() for line in self.content):
            if not name:
                continue
            _listed(self.env, self.env.docname).add(
                "%s.%s" % (module.__name__, name))
            obj = getattr(module, name, _MISSING)
            if obj is _MISSING:
                missing.append(name)
                continue
            documented.add(name)
            lines.extend(_rest_for(module, name, obj))
        if missing and "optional" not in self.options:
            _missing(self.env, self.env.docname).update(
                "%s.%s" % (module.__name__, n) for n in missing)
            lines.extend([
                ".. note::", "",
                "   Not provided by this version of pyossl: %s." % ", ".join(
                    "``%s``" % n for n in missing), ""])
        return self.parse(lines)


class DataDirective(_ModuleDirective):
    """``.. pyossl-data:: A B C`` with a shared description."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"optional": directives.flag}

    def run(self):
        module = self.module()
        documented = _documented(self.env)
        present, missing = [], []
        names = []
        for word in self.arguments[0].split():
            if "*" in word:      # a pattern: the names not documented yet
                names.extend(n for n in public_names(module)
                             if fnmatch.fnmatchcase(n, word)
                             and n not in documented and n not in names)
            else:
                names.append(word)
        _listed(self.env, self.env.docname).update(
            "%s.%s" % (module.__name__, n) for n in names)
        for name in names:
            if hasattr(module, name):
                present.append(name)
                documented.add(name)
            else:
                missing.append(name)
        lines = []
        if present:
            lines.append(".. py:data:: %s" % present[0])
            lines.extend("              %s" % n for n in present[1:])
            lines.append("")
            lines.extend("   " + line for line in self.content)
            lines.append("")
        if missing and "optional" not in self.options:
            _missing(self.env, self.env.docname).update(
                "%s.%s" % (module.__name__, n) for n in missing)
            lines.extend([
                ".. note::", "",
                "   Not defined by this version of pyossl (or by the "
                "OpenSSL build the documentation was made with): %s." %
                ", ".join("``%s``" % n for n in missing), ""])
        return self.parse(lines)


class RemainingDirective(_ModuleDirective):
    """``.. pyossl-remaining:: Title`` -- document what the page left out.

    Produces a section with that title, or nothing when the page already
    covers every public name.
    """

    has_content = False
    required_arguments = 1
    final_argument_whitespace = True

    def run(self):
        module = self.module()
        documented = _documented(self.env)
        body = []
        for name in public_names(module):
            if name in documented:
                continue
            documented.add(name)
            body.extend(_rest_for(module, name, getattr(module, name)))
        if not body:
            return []
        title = self.arguments[0]
        lines = [title, "-" * len(title), "",
                 "Names of :mod:`%s` that the sections above do not cover."
                 % module.__name__, ""] + body
        container = nodes.section()
        source = self.get_source_info()[0]
        content = StringList()
        for line in lines:
            content.append(line, source)
        nested_parse_with_titles(self.state, content, container,
                                 self.content_offset)
        return container.children


class _Missing(object):
    pass


_MISSING = _Missing()


def _missing(env, docname=None):
    """Names a page lists but the module lacks: {docname: set(names)}."""
    if not hasattr(env, "pyossl_missing"):
        env.pyossl_missing = {}
    if docname is None:
        return env.pyossl_missing
    return env.pyossl_missing.setdefault(docname, set())


def _listed(env, docname=None):
    """Names the pages list by hand: {docname: set("module.Name")}."""
    if not hasattr(env, "pyossl_listed"):
        env.pyossl_listed = {}
    if docname is None:
        return env.pyossl_listed
    return env.pyossl_listed.setdefault(docname, set())


def _report(app, exception):
    missing = sorted(set().union(*_missing(app.env).values()))
    if missing and exception is None:
        logger.info("pyossl: names the API pages list but the modules do "
                    "not define (%d): %s", len(missing), ", ".join(missing))


def _purge(app, env, docname):
    _missing(env).pop(docname, None)
    _listed(env).pop(docname, None)


def _merge(app, env, docnames, other):
    for docname in docnames:
        for table in (_missing, _listed):
            if docname in table(other):
                table(env)[docname] = table(other)[docname]


class ExamplesDirective(SphinxDirective):
    """``.. pyossl-examples::`` -- one section per ``examples/*.py``.

    The title is the first line of the script's docstring, the text the
    rest of it, followed by the script's code.  The content, if any, lists
    file names to show first; the other scripts follow in name order.
    Files whose names start with ``_`` are skipped.
    """

    has_content = True

    def run(self):
        import ast
        import glob
        import os
        folder = os.path.join(os.path.dirname(self.env.srcdir), "examples")
        lines = []
        first = [line.strip() for line in self.content if line.strip()]
        paths = sorted(glob.glob(os.path.join(folder, "*.py")),
                       key=lambda p: (
                           first.index(os.path.basename(p))
                           if os.path.basename(p) in first else len(first),
                           os.path.basename(p)))
        for path in paths:
            if os.path.basename(path).startswith("_"):
                continue
            self.env.note_dependency(path)
            with open(path, encoding="utf-8") as f:
                tree = ast.parse(f.read())
            doc = ast.get_docstring(tree) or ""
            code_from = tree.body[0].end_lineno + 1 if doc else 1
            name = os.path.basename(path)
            title, _, rest = doc.partition("\n")
            title = "``%s``: %s" % (name, title.strip().rstrip("."))
            lines += [title, "-" * len(title), ""]
            lines += rest.strip("\n").splitlines() + [""]
            rel = os.path.relpath(path, os.path.dirname(
                self.env.doc2path(self.env.docname)))
            lines += [".. literalinclude:: %s" % rel.replace(os.sep, "/"),
                      "   :language: python",
                      "   :lines: %d-" % code_from, ""]
        container = nodes.section()
        content = StringList()
        source = self.get_source_info()[0]
        for line in lines:
            content.append(line, source)
        nested_parse_with_titles(self.state, content, container,
                                 self.content_offset)
        return container.children


_API_MODULES = ("pyossl.crypto", "pyossl.SSL", "pyossl.rand")


def _lookup(dotted):
    """The object named *dotted* (``pyossl.crypto.X509.sign``) or _MISSING."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        modname = ".".join(parts[:cut])
        try:
            obj = importlib.import_module(modname)
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, _MISSING)
            if obj is _MISSING:
                return _MISSING
        return obj
    return _MISSING


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _unwritten_reference(app, env, node, contnode):
    """Render a reference to an API name pyossl lacks as plain text.

    The hand-written pages name pyOpenSSL's whole API; when a module does
    not (yet) define a name, such a reference is shown unlinked and the
    name is reported at the end of the build, instead of failing it.  Only
    references to names the pages list (``X509``, or a member of it such as
    ``X509.sign``) are treated so, and only when the object really does not
    exist: a reference to an object that exists but is not documented, or
    to a name no page lists (a typo, ``OpenSSL.crypto.Error``), still
    warns.  This also keeps docstrings that name constants of newer OpenSSL
    releases (``TLS1_3_VERSION``) buildable against an older build.
    """
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].lstrip(".~")
    if not _IDENTIFIER.match(target) or \
            hasattr(builtins, target.rsplit(".", 1)[-1]):
        return None
    modname = node.get("py:module") or ""
    classname = node.get("py:class") or ""
    candidates = [target]
    if modname:
        candidates.append("%s.%s" % (modname, target))
        if classname:
            candidates.append("%s.%s.%s" % (modname, classname, target))
    listed = set().union(*_listed(env).values())
    if target.startswith(_API_MODULES):
        ours = [target] if ".".join(target.split(".")[:3]) in listed else []
    else:
        head = target.split(".")[0]
        ours = ["%s.%s" % (modname, target)] if modname and \
            "%s.%s" % (modname, head) in listed else []
    if not ours:
        return None
    if any(_lookup(c) is not _MISSING for c in candidates):
        return None
    _missing(env, node.get("refdoc", "?")).add(min(ours, key=len))
    return contnode


def setup(app):
    app.add_directive("pyossl-api", ApiDirective)
    app.add_directive("pyossl-data", DataDirective)
    app.add_directive("pyossl-remaining", RemainingDirective)
    app.add_directive("pyossl-examples", ExamplesDirective)
    app.connect("build-finished", _report)
    app.connect("env-merge-info", _merge)
    app.connect("env-purge-doc", _purge)
    app.connect("missing-reference", _unwritten_reference)
    return {"version": "1", "parallel_read_safe": True,
            "parallel_write_safe": True}
