"""pyossl.rand on every build: real RAND_* calls, argument checks."""

import os
import sys

import pytest

from pyossl import rand


@pytest.mark.parametrize("count", [0, 1, 16, 1000, 65537])
def test_bytes_length(count):
    data = rand.bytes(count)
    assert isinstance(data, bytes)
    assert len(data) == count


def test_bytes_differ():
    assert rand.bytes(32) != rand.bytes(32)


@pytest.mark.parametrize("bad", [None, "3", 1.5, b"x", [3]])
def test_bytes_wrong_type(bad):
    with pytest.raises(TypeError):
        rand.bytes(bad)


@pytest.mark.parametrize("bad", [-1, -(2 ** 40)])
def test_bytes_bad_count(bad):
    with pytest.raises(ValueError):
        rand.bytes(bad)


@pytest.mark.parametrize("bad", [2 ** 31, 2 ** 70])
def test_bytes_too_large_count(bad):
    with pytest.raises((MemoryError, OverflowError)):
        rand.bytes(bad)


def test_add_and_seed():
    rand.add(b"hello world", 3)
    rand.add(b"", 0)
    rand.seed(b"some more entropy")
    assert rand.status() is True
    assert rand.status() == 1


@pytest.mark.parametrize("args", [
    (None, 1), ("text", 1), (b"x", None), (b"x", 1.5), (bytearray(b"x"), 1),
])
def test_add_wrong_types(args):
    with pytest.raises(TypeError):
        rand.add(*args)


@pytest.mark.parametrize("bad", [None, "text", 5, bytearray(b"x")])
def test_seed_wrong_type(bad):
    with pytest.raises(TypeError):
        rand.seed(bad)


def test_cleanup_is_harmless():
    assert rand.cleanup() is None
    assert len(rand.bytes(8)) == 8


def test_egd_seeds_from_urandom():
    with pytest.deprecated_call():
        assert rand.egd(b"/nonexistent/egd-socket") == 255
    with pytest.deprecated_call():
        assert rand.egd("/nonexistent/egd-socket", 16) == 16
    with pytest.deprecated_call(), pytest.raises(TypeError):
        rand.egd(None)
    with pytest.deprecated_call(), pytest.raises(TypeError):
        rand.egd(b"p", "16")
    with pytest.deprecated_call(), pytest.raises(ValueError):
        rand.egd(b"p", -1)


def test_bytes_too_many_is_memory_error():
    # issue 12: as pyOpenSSL, whose buffer cannot be allocated
    with pytest.raises(MemoryError):
        rand.bytes(sys.maxsize)
    with pytest.raises(OverflowError):       # beyond one C int, too
        rand.bytes(2 ** 31)


@pytest.mark.parametrize("kind", [str, bytes])
def test_write_file_then_load_file(tmp_path, kind):
    path = tmp_path / "seed"
    name = kind(str(path)) if kind is str else os.fsencode(str(path))
    written = rand.write_file(name)
    assert written > 0
    assert os.path.getsize(str(path)) == written
    assert rand.load_file(name) == written
    assert rand.load_file(name, 10) == 10
    assert rand.load_file(path) == written       # path-like


def test_load_file_missing(tmp_path):
    result = rand.load_file(str(tmp_path / "missing"))
    assert result <= 0


def test_write_file_to_a_directory_fails(tmp_path):
    assert rand.write_file(str(tmp_path)) <= 0     # -1 (1.1+) or 0 (1.0.2)


@pytest.mark.parametrize("bad", [None, 5, object()])
def test_file_functions_wrong_type(bad):
    with pytest.raises(TypeError):
        rand.load_file(bad)
    with pytest.raises(TypeError):
        rand.write_file(bad)


def test_load_file_bad_maxbytes(tmp_path):
    with pytest.raises(TypeError):
        rand.load_file(str(tmp_path / "x"), "10")


def test_screen_exists_everywhere():
    # Windows builds with RAND_screen read the screen; elsewhere it adds
    # nothing (documented).
    assert rand.screen() is None
    assert "screen" in rand.__all__
    assert len(rand.bytes(8)) == 8


def test_error_is_an_exception():
    assert issubclass(rand.Error, Exception)
