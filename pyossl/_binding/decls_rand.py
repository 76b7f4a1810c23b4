"""The table's section for :mod:`pyossl.rand`: OpenSSL's PRNG."""

from ctypes import c_char_p, c_double, c_int, c_long, c_void_p

from .records import Fn, Macro


def _nothing_to_clean(lib):
    """``RAND_cleanup`` is a no-op from 1.1.0 on (OpenSSL cleans up by
    itself), and is gone from later headers."""
    def RAND_cleanup():
        return None
    return RAND_cleanup


DECLARATIONS = [
    Fn("RAND_bytes", c_int, [c_void_p, c_int]),
    Fn("RAND_add", None, [c_char_p, c_int, c_double]),
    Fn("RAND_seed", None, [c_char_p, c_int]),
    Fn("RAND_status", c_int, []),
    Fn("RAND_load_file", c_int, [c_char_p, c_long]),
    Fn("RAND_write_file", c_int, [c_char_p]),
    Fn("RAND_cleanup", None, [], until="1.1"),
    Macro("RAND_cleanup", _nothing_to_clean, since="1.1"),
    Fn("RAND_screen", None, [], optional=True),     # Windows only
]
