"""The documentation builds without warnings and documents every public name.

Builds the Sphinx project in ``docs/`` into a temporary folder with
``-W --keep-going -n`` (a warning or an unresolved reference fails), then
reads the ``objects.inv`` inventory it wrote and checks that each public
name of :mod:`pyossl.crypto`, :mod:`pyossl.SSL` and :mod:`pyossl.rand` has
an entry.  The public names are computed now, from the modules as they are,
so a name added later without documentation fails this test.
"""

import importlib
import os
import subprocess
import sys
import zlib

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = ("pyossl.crypto", "pyossl.SSL", "pyossl.rand", "pyossl.raw")

sphinx = pytest.importorskip(
    "sphinx", reason="Sphinx is not installed (pip install sphinx)")

if sys.version_info < (3, 9):
    pytest.skip("the docs are built with Sphinx on Python 3.9+; Sphinx 7.1, "
                "the last for Python 3.8, fails to format a signature "
                "(autodoc's update_defvalue on pyossl.SSL.Session)",
                allow_module_level=True)


sys.path.insert(0, os.path.join(ROOT, "docs", "_ext"))
from pyossl_public import public_names  # noqa: E402  (the docs' definition)


def read_inventory(path):
    """``{name: role}`` from a Sphinx version 2 ``objects.inv``."""
    with open(path, "rb") as f:
        header = [f.readline() for _ in range(4)]
        body = zlib.decompress(f.read()).decode("utf-8")
    assert header[0].startswith(b"# Sphinx inventory version 2"), header[0]
    assert b"zlib" in header[3], header[3]
    entries = {}
    for line in body.splitlines():
        # name domain:role priority uri display-name (name has no spaces
        # for Python objects)
        name, role = line.split(" ", 2)[:2]
        entries[name] = role
    return entries


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs-html")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q",
         "-b", "html", os.path.join(ROOT, "docs"), str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT,
        timeout=600)
    output = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, "sphinx-build failed:\n" + output
    return out


def test_docs_build_without_warnings(built_docs):
    for page in ("index.html", "installation.html", "internals.html",
                 "migrating.html", "api/crypto.html", "api/ssl.html",
                 "api/rand.html"):
        assert (built_docs / page).is_file(), page


@pytest.mark.parametrize("modname", MODULES)
def test_every_public_name_is_in_the_inventory(built_docs, modname):
    try:
        module = importlib.import_module(modname)
    except ModuleNotFoundError as exc:
        if exc.name == modname:
            pytest.skip("%s is not written yet" % modname)
        raise
    inventory = read_inventory(str(built_docs / "objects.inv"))
    names = public_names(module)
    assert names, "%s has no public names" % modname
    missing = sorted(n for n in names
                     if "%s.%s" % (modname, n) not in inventory)
    assert not missing, "not in the documentation: %s" % ", ".join(missing)


def test_every_name_the_pages_list_exists(built_docs):
    """The API pages list pyOpenSSL's documented names section by section;
    a name a module lacks is shown in a "Not provided"/"Not defined" note
    (see docs/_ext/pyossl_docs.py).  There must be none."""
    notes = []
    for page in ("crypto", "ssl", "rand"):
        html = (built_docs / "api" / (page + ".html")).read_text("utf-8")
        for marker in ("Not provided by this version of pyossl",
                       "Not defined by this version of pyossl"):
            start = html.find(marker)
            while start >= 0:
                notes.append("%s: %s" % (page, html[start:start + 200]))
                start = html.find(marker, start + 1)
    assert not notes, "\n".join(notes)


def test_inventory_has_the_package_functions(built_docs):
    inventory = read_inventory(str(built_docs / "objects.inv"))
    assert inventory.get("pyossl.use_openssl") == "py:function"
    assert inventory.get("pyossl.openssl_info") == "py:function"
