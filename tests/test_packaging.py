"""Packaging metadata, read from the source tree (the built sdist and wheel
are checked by ``nox -s packaging`` with ``tools/check-dist``).

Runs from a checkout and from an unpacked sdist alike.
"""

import os
import re

import pyossl.version

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def project_table():
    """The ``[project]`` table of pyproject.toml, as text (no TOML parser
    before Python 3.11)."""
    text = read("pyproject.toml")
    start = text.index("\n[project]\n")
    end = text.index("\n[", start + 1)
    return text[start:end]


def test_license_is_an_spdx_expression_with_its_file():
    project = project_table()
    assert re.search(r'^license = "Apache-2\.0"$', project, re.M)
    assert re.search(r'^license-files = \["LICENSE"\]$', project, re.M)
    assert "License ::" not in project        # deprecated by PEP 639
    text = read("LICENSE")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_build_backend_supports_pep_639_on_every_python():
    """hatchling 1.27 writes License-Expression and builds on Python 3.8
    (setuptools does PEP 639 from 77 on, which needs Python 3.9)."""
    text = read("pyproject.toml")
    match = re.search(r'requires = \["hatchling>=1\.(\d+)"\]', text)
    assert match and int(match.group(1)) >= 27
    assert 'build-backend = "hatchling.build"' in text


def test_project_urls_and_uri_agree():
    urls = dict(re.findall(r'^(\w+) = "(https://[^"]+)"$',
                           read("pyproject.toml"), re.M))
    assert {"Homepage", "Source", "Issues", "Documentation"} <= set(urls)
    assert pyossl.version.__uri__ == urls["Source"]
    assert "invalid" not in pyossl.version.__uri__


def test_classifiers():
    project = project_table()
    for wanted in ("Development Status :: ", "Operating System :: ",
                   "Programming Language :: Python :: 3.8",
                   "Programming Language :: Python :: Implementation :: PyPy",
                   "Typing :: Typed"):
        assert wanted in project, wanted


def test_long_description_is_not_the_checkout_readme():
    project = project_table()
    match = re.search(r'^readme = \{file = "([^"]+)"', project, re.M)
    assert match and match.group(1) != "README.md"
    text = read(*match.group(1).split("/"))
    assert "not published on the Python Package Index" in text
    assert "nox" not in text and ".ci/run" not in text


def test_sdist_carries_tests_docs_examples():
    text = read("pyproject.toml")
    table = text[text.index("[tool.hatch.build.targets.sdist]"):]
    for path in ("/tests", "/docs", "/examples", "/tools", "/LICENSE",
                 "/pyossl"):
        assert '"%s"' % path in table, path
    assert os.path.exists(os.path.join(ROOT, "tests", "conftest.py"))
    assert os.path.exists(os.path.join(ROOT, "docs", "changelog.rst"))


def test_docs_do_not_claim_a_pypi_release():
    text = read("docs", "installation.rst")
    assert "pip install pyossl " not in text
    assert "not published on the Python Package Index" in text
    assert "--no-index" in text
