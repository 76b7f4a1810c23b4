"""What every wrapper uses at the C boundary, one module per concern.

* :mod:`.convert`: the checked conversions (C ints, C strings, paths,
  buffers), the only way such values reach C;
* :mod:`.ownership`: the one ownership base, :class:`.ownership.Owner`,
  and the atomic free;
* :mod:`.callbacks`: C callbacks (thunks) that fail closed, and the
  re-raising of the user's exception after the C call;
* :mod:`.text`: one ``NULL`` policy for C strings;
* :mod:`.library`: ``lib``, the bound OpenSSL, and the ``requires``
  decorator;
* :mod:`.errors`: OpenSSL's error queue -> exceptions;
* :mod:`.scoped`: C objects freed on leaving a ``with`` block (memory BIOs,
  contexts);
* :mod:`.stacks`: ``STACK_OF(T)`` helpers;
* :mod:`.providers`: OpenSSL 3 providers (the scoped "legacy" provider of
  PKCS #12, FIPS mode).

``convert``, ``ownership``, ``callbacks``, ``text`` and ``providers`` load
nothing at import;
importing ``library`` (and so ``errors``, ``scoped``, ``stacks``) loads
OpenSSL.
"""
