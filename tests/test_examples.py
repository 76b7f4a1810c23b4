"""Every script in ``examples/`` runs to completion and exits with 0.

Each example is a standalone program that talks only to itself over
loopback; it runs here in a fresh interpreter, against the OpenSSL build
under test (the ``PYOSSL_*`` environment variables are inherited), in a
temporary working directory, with a time limit.
"""

import glob
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = sorted(p for p in glob.glob(os.path.join(ROOT, "examples", "*.py"))
                  if not os.path.basename(p).startswith("_"))
TIME_LIMIT = 120


@pytest.mark.parametrize("path", EXAMPLES, ids=os.path.basename)
def test_example_runs(path, tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [ROOT] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    proc = subprocess.run([sys.executable, path], cwd=str(tmp_path), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=TIME_LIMIT)
    output = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, "%s failed:\n%s" % (
        os.path.basename(path), output)


@pytest.mark.parametrize("path", EXAMPLES, ids=os.path.basename)
def test_example_has_a_docstring(path):
    import ast
    with open(path, encoding="utf-8") as f:
        doc = ast.get_docstring(ast.parse(f.read()))
    assert doc and len(doc.splitlines()) >= 3, "%s: describe it" % path
