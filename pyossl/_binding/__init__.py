"""The C side of pyossl: what is declared, how it is bound, what it looks
like in memory.

* :mod:`.records`: the record types of the table (``Fn``, ``Macro``,
  ``Const``) and the names of OpenSSL's generations (``since="1.1"``,
  ``until="3.0"``);
* :mod:`.table`: ``DECLARATIONS``, assembled from the ``decls_*`` sections
  (one per area);
* :mod:`.layouts`: every struct layout and union pyossl reads, verified once
  at load by :func:`.layouts.verify`.

Finding, loading and binding the library is :mod:`pyossl._loader` (kept at
the package's top level; see ``docs/internals.rst``).  Nothing here loads
OpenSSL at import time; only :mod:`pyossl._runtime.library` does.
"""
