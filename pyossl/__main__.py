"""``python -m pyossl``: what OpenSSL was loaded, then a loopback handshake."""

import sys


def main(argv=None):
    """Print the loaded build, then run a real TLS handshake over loopback.

    :return: the process exit status.
    """
    import pyossl
    try:
        info = pyossl.openssl_info()
    except ImportError as exc:
        print("pyossl could not load OpenSSL: %s" % exc)
        return 2
    print("pyossl %s" % pyossl.__version__)
    print("OpenSSL:       %s (0x%08x)" % (info["version"],
                                          info["version_number"]))
    print("libcrypto:     %s" % info["libcrypto"])
    print("libssl:        %s" % info["libssl"])
    print("found by:      %s" % info["how"])
    print("symbol table:  %s (%d names bound, %d unavailable in this build)"
          % (info["table"], info["symbols_bound"],
             len(info["symbols_unavailable"])))
    if info["symbols_missing"]:
        print("MISSING:       %s" % ", ".join(info["symbols_missing"]))
    print("threads:       %s" % info["thread_locking"])
    try:
        from pyossl import _demo
    except ImportError as exc:
        print("handshake:     not available (%s)" % exc)
        return 1
    return _demo.handshake(sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
