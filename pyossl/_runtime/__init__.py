"""What every wrapper uses at the C boundary, one module per concern.

* :mod:`.convert`: the checked conversions (C ints, C strings, paths,
  writable buffers), the only way such values reach C;
* :mod:`.ownership`: the one ownership base, :class:`.ownership.Owner`,
  and the atomic free;
* :mod:`.callbacks`: C callbacks (thunks) that fail closed, and the
  re-raising of the user's exception after the C call.

Nothing here loads OpenSSL at import time.
"""
