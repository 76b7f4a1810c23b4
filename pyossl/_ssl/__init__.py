"""The parts of :mod:`pyossl.SSL`, one module per concept.

========================  =================================================
``constants``             every constant (``OP_*``, ``MODE_*``,
                          ``VERIFY_*``...), with the loaded build's values
``exceptions``            :class:`Error` and the ``Want*``/``SysCall``
                          errors
``callbacks``             one thunk per callback slot, the slot registry
                          (:func:`callbacks.slot`) and the maps from C
                          handles to Python objects
``session``               :class:`Session`
``context``               :class:`Context`
``connection``            :class:`Connection`
========================  =================================================

New areas get a module of their own here (``dtls``, ``ocsp``, ``psk``,
``client_hello``...): their thunks use :func:`callbacks.slot`, their
methods are added to :class:`Context`/:class:`Connection` in
``context.py``/``connection.py`` and their public names to
:mod:`pyossl.SSL`.
"""
