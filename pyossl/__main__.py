"""``python -m pyossl``: what OpenSSL was loaded and how, its trust store and
providers, then a loopback handshake; or ``python -m pyossl run ...``.

Run ``python -m pyossl --help`` for the options.
"""

import argparse
import json
import logging
import platform
import sys
from typing import Any, Dict, List, Optional, TextIO

DESCRIPTION = """\
Report which OpenSSL pyossl loads (the files, how they were found, the
version and symbol table, the names this build lacks), where it looks for
trusted certificates and whether any were found there, the OpenSSL 3
providers and FIPS mode; then make a certificate chain in memory and run a
real TLS handshake over loopback.  Exit status: 0 when everything worked,
1 when the handshake failed, 2 when OpenSSL could not be loaded."""

RUN_HELP = ("run a Python program with pyossl installed as the OpenSSL "
            "package: python -m pyossl run [-m module | script] args...")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pyossl", description=DESCRIPTION,
        usage="python -m pyossl [-h] [--json] [--no-handshake] [-v]\n"
              "       python -m pyossl run [-m module | script] args...",
        epilog="python -m pyossl run --help: the run command's own help.")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object (for bug reports and "
                             "CI) instead of the text report")
    parser.add_argument("--no-handshake", action="store_true",
                        help="report only; skip the certificate chain and "
                             "the loopback handshake")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log each library the loader tries, and why "
                             "it was rejected, to stderr (the 'pyossl' "
                             "logger at DEBUG)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help=RUN_HELP, add_help=False)
    return parser


def _python() -> Dict[str, str]:
    return {"implementation": platform.python_implementation(),
            "version": platform.python_version(),
            "executable": sys.executable}


def _report(info: Any, out: TextIO) -> None:
    """The text report of an :class:`pyossl.OpenSSLInfo`."""
    import pyossl
    python = _python()
    out.write("pyossl %s on %s %s\n" % (pyossl.__version__,
                                        python["implementation"],
                                        python["version"]))
    out.write("OpenSSL:       %s (0x%08x)\n" % (info["version"],
                                                info["version_number"]))
    out.write("libcrypto:     %s\n" % info["libcrypto"])
    out.write("libssl:        %s\n" % info["libssl"])
    out.write("found by:      %s\n" % info["how"])
    unavailable = info["symbols_unavailable"]
    out.write("symbol table:  %s (%d names bound, %d unavailable in this "
              "build%s)\n" % (info["table"], info["symbols_bound"],
                             len(unavailable), ": " + ", ".join(unavailable)
                             if unavailable else ""))
    if info["symbols_missing"]:
        out.write("MISSING:       %s\n" % ", ".join(info["symbols_missing"]))
    out.write("threads:       %s\n" % info["thread_locking"])

    trust = info["trust"]
    out.write("OPENSSLDIR:    %s\n" % trust["openssldir"])
    for label, key, env, count, what in (
            ("CA file:", "cert_file", "cert_file_env",
             "certificates_in_file", "certificates"),
            ("CA folder:", "cert_dir", "cert_dir_env",
             "certificates_in_dir", "hash-named certificates")):
        source = ("from $%s" % trust[env] if trust[key + "_from_env"]
                  else "the build's default; $%s is not set" % trust[env])
        out.write("%-14s %s (%s): %d %s\n" % (label, trust[key] or "(none)",
                                              source, trust[count], what))
    if trust["roots_found"]:
        out.write("trust roots:   found (what Context.set_default_verify_"
                  "paths() loads)\n")
    else:
        out.write("trust roots:   NONE found: set_default_verify_paths() "
                  "will trust nothing; set %s (or %s) to your CA bundle, "
                  "or call load_verify_locations()\n"
                  % (trust["cert_file_env"], trust["cert_dir_env"]))

    providers = info["providers"]
    if info["table"] == "3.x":
        out.write("providers:     %s (FIPS mode %s)\n" % (
            ", ".join(providers["active"]) or "none",
            "ON" if providers["fips_mode"] else "off"))
    else:
        out.write("providers:     none before OpenSSL 3 (FIPS mode %s)\n"
                  % ("ON" if providers["fips_mode"] else "off"))
    out.write("legacy:        %s\n" % providers["legacy"])


def main(argv: Optional[List[str]] = None) -> int:
    """``python -m pyossl [--json] [--no-handshake] [-v]``, or
    ``python -m pyossl run ...``.

    :return: the process exit status.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["run"]:
        # Everything after "run" belongs to the program run.
        from pyossl import _dropin
        return _dropin.run_main(args_list[1:])
    args = _parser().parse_args(args_list)
    if args.verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("pyossl: %(message)s"))
        logger = logging.getLogger("pyossl")
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)

    import pyossl
    try:
        info = pyossl.openssl_info()
    except ImportError as exc:
        if args.json:
            print(json.dumps({"pyossl": pyossl.__version__,
                              "python": _python(), "openssl": None,
                              "error": str(exc)}, indent=2))
        else:
            print("pyossl could not load OpenSSL: %s" % exc)
        return 2

    if args.json:
        handshake = None
        status = 0
        if not args.no_handshake:
            from pyossl import _demo
            handshake = _demo.run_handshake()
            status = 0 if handshake["ok"] else 1
        print(json.dumps({"pyossl": pyossl.__version__, "python": _python(),
                          "openssl": info, "handshake": handshake},
                         indent=2))
        return status

    _report(info, sys.stdout)
    if args.no_handshake:
        return 0
    from pyossl import _demo
    return _demo.handshake(sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
