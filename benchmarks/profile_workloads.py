#!/usr/bin/env python3
"""Where the time of each benchmark workload goes (Linux, ``perf``).

For each workload: set the library up (``bench_ssl``), check and warm the
workload up, then attach ``perf record`` to this very process and run only
the workload for ``--seconds``; the samples are split by where the CPU was:

* ``openssl``: libssl/libcrypto (for pyOpenSSL: cryptography's
  ``_rust`` extension, where its OpenSSL is linked in, minus cffi glue);
* ``libc``: malloc/free/memcpy and friends (called by OpenSSL and Python);
* ``ffi``: the foreign-call machinery: ctypes' ``_ctypes`` module and
  libffi (pyossl), or ``_cffi_backend`` and cffi's generated wrappers
  (pyOpenSSL);
* ``python``: the interpreter (bytecode, objects, argument parsing -- also
  the part of a foreign call that converts arguments and results and
  releases/takes the GIL, which runs in libpython);
* ``kernel`` and ``other``.

With ``--calls`` (pyossl only; needs root) it also counts foreign calls per
operation with a uprobe on libffi's ``ffi_call`` (added for the run and
removed afterwards), and prints the measured cost of an empty ctypes call,
so "number of foreign calls x fixed cost" can be set against the total.
With ``--cprofile N`` it prints the N Python functions with the most own
time for each workload (cProfile; slow, for attribution only).

Usage (pyossl; pyOpenSSL with the venv's python and --impl pyopenssl):
  OPENSSL_CONF=~/.cache/pyossl-bench/x25519.cnf PYTHONPATH=. \\
      python3 benchmarks/profile_workloads.py --impl pyossl --calls
"""

import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import timeit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_ssl  # noqa: E402

CATEGORIES = ("openssl", "libc", "ffi", "python", "kernel", "other")


def classify(dso, sym):
    base = os.path.basename(dso)
    if base.startswith(("libssl", "libcrypto")):
        return "openssl"
    if base.startswith("_rust"):            # cryptography: OpenSSL inside
        return "ffi" if sym.startswith("_cffi_") else "openssl"
    if base.startswith(("_ctypes", "libffi", "_cffi_backend")):
        return "ffi"
    if base.startswith(("libpython", "python")):
        return "python"
    if base.startswith(("libc.so", "libc-", "ld-linux", "libm.so")):
        return "libc"
    if "kernel" in base:
        return "kernel"
    return "other"


def perf_split(path):
    out = subprocess.run(
        ["perf", "report", "-i", path, "--sort", "dso,sym", "--stdio", "-q",
         "--percent-limit", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        universal_newlines=True).stdout
    split = dict.fromkeys(CATEGORIES, 0.0)
    top = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) < 4 or not parts[0].endswith("%"):
            continue
        pct = float(parts[0].rstrip("%"))
        dso, sym = parts[1], parts[3]
        split[classify(dso, sym)] += pct
        if len(top) < 12:
            top.append((pct, os.path.basename(dso), sym.strip()))
    total = sum(split.values()) or 1.0
    return {k: v * 100.0 / total for k, v in split.items()}, top


def run_for(func, n, seconds):
    """Call func(n) until *seconds* have passed; return (ops, elapsed)."""
    ops = 0
    spent = 0.0
    while spent < seconds:
        spent += func(n)
        ops += n
    return ops, spent


def ffi_probe(add):
    """Add (or remove) the uprobe on libffi's ffi_call; returns its event
    name or None."""
    import _ctypes
    out = subprocess.run(["ldd", _ctypes.__file__], stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    libffi = [line.split("=>")[1].split()[0] for line in out.splitlines()
              if "libffi" in line and "=>" in line]
    if not libffi:
        return None
    if add:
        proc = subprocess.run(["perf", "probe", "-x", libffi[0], "ffi_call"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)
        if proc.returncode and "already exists" not in proc.stderr:
            sys.stderr.write(proc.stderr)
            return None
        return "probe_libffi:ffi_call"
    subprocess.run(["perf", "probe", "-d", "probe_libffi:ffi_call"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return None


def count_calls(event, func, n):
    fd, path = tempfile.mkstemp()
    os.close(fd)
    perf = subprocess.Popen(["perf", "stat", "-x", ",", "-e", event, "-o",
                             path, "-p", str(os.getpid())],
                            stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    func(n)
    perf.send_signal(signal.SIGINT)
    perf.wait()
    with open(path) as f:
        text = f.read()
    os.unlink(path)
    for line in text.splitlines():
        fields = line.split(",")
        if len(fields) > 2 and event in line and fields[0].isdigit():
            return int(fields[0]) / n
    return None


def _mapped_libcrypto():
    """Path of the libcrypto this process has loaded (from /proc)."""
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if os.path.basename(path).startswith("libcrypto"):
                return path
    return None


def empty_call_costs():
    """ns per ctypes call of trivial libcrypto functions, declared as pyossl
    declares them (CDLL: the GIL is released around the call; PyDLL: it is
    not)."""
    path = _mapped_libcrypto()
    if path is None:
        return {}
    out = {}
    for kind, loader in (("CDLL", ctypes.CDLL), ("PyDLL", ctypes.PyDLL)):
        lib = loader(path)
        peek = lib.ERR_peek_error
        peek.restype = ctypes.c_ulong
        peek.argtypes = []
        new = lib.ASN1_STRING_new
        new.restype = ctypes.c_void_p
        new.argtypes = []
        length = lib.ASN1_STRING_length
        length.restype = ctypes.c_int
        length.argtypes = [ctypes.c_void_p]
        memcmp = lib.CRYPTO_memcmp
        memcmp.restype = ctypes.c_int
        memcmp.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
        string = new()
        buf = ctypes.create_string_buffer(8)
        addr = ctypes.addressof(buf)
        n = 200000
        for label, call in (
                ("0 args", lambda: peek()),
                ("1 pointer arg", lambda: length(string)),
                ("3 args", lambda: memcmp(addr, addr, 8))):
            out["%s, %s" % (kind, label)] = min(timeit.repeat(
                call, number=n, repeat=3, timer=time.process_time)) / n * 1e9
        lib.ASN1_STRING_free.argtypes = [ctypes.c_void_p]
        lib.ASN1_STRING_free.restype = None
        lib.ASN1_STRING_free(string)
    n = 200000
    out["(a Python lambda call, for scale)"] = min(timeit.repeat(
        lambda: None, number=n, repeat=3, timer=time.process_time)) / n * 1e9
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--impl", default="pyossl",
                        choices=("pyossl", "pyopenssl", "stdlib"))
    parser.add_argument("--workloads", default=",".join(bench_ssl.WORKLOADS))
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--frequency", type=int, default=1999)
    parser.add_argument("--calls", action="store_true",
                        help="count ffi_call per operation (uprobe; root)")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    parser.add_argument("--top", action="store_true",
                        help="also print the hottest symbols")
    parser.add_argument("--json")
    cert, key = bench_ssl.default_cert()
    parser.add_argument("--cert", default=cert)
    parser.add_argument("--key", default=key)
    args = parser.parse_args(argv)

    import warnings
    warnings.simplefilter("ignore", DeprecationWarning)
    bench_ssl.make_cert(args.cert, args.key)
    api = bench_ssl.load(args.impl, args.cert, args.key)
    api.setup()
    skip = api.workloads()
    keys = [k for k in args.workloads.split(",") if k and k not in skip]
    event = ffi_probe(True) if args.calls and args.impl == "pyossl" else None
    results = {}
    try:
        for key in keys:
            run = getattr(api, key)
            n = max(1, bench_ssl.iterations(key, 0.2))
            run(3, check=True)
            run(n)
            fd, path = tempfile.mkstemp(suffix=".perf")
            os.close(fd)
            perf = subprocess.Popen(
                ["perf", "record", "-q", "-F", str(args.frequency), "-o",
                 path, "-p", str(os.getpid())],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            ops, spent = run_for(run, n, args.seconds)
            perf.send_signal(signal.SIGINT)
            perf.wait()
            split, top = perf_split(path)
            os.unlink(path)
            res = {"us_per_op": spent / ops * 1e6, "split": split}
            if args.top:
                res["top"] = top
            if event:
                res["ffi_calls_per_op"] = count_calls(event, run, n)
            if args.cprofile:
                import cProfile
                import pstats
                import io
                prof = cProfile.Profile()
                prof.runcall(run, n)
                stream = io.StringIO()
                pstats.Stats(prof, stream=stream).sort_stats(
                    "tottime").print_stats(args.cprofile)
                res["cprofile"] = stream.getvalue()
            results[key] = res
            sys.stderr.write("%s done\n" % key)
    finally:
        if event:
            ffi_probe(False)
    costs = empty_call_costs()

    print("%s on %s" % (args.impl, api.library_version()))
    head = ["workload", "us/op"] + ["%s %%" % c for c in CATEGORIES]
    if event:
        head.append("ffi calls/op")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for key, res in results.items():
        row = [key, "%.2f" % res["us_per_op"]] + [
            "%.0f" % res["split"][c] for c in CATEGORIES]
        if event:
            calls = res.get("ffi_calls_per_op")
            row.append("-" if calls is None else "%.1f" % calls)
        print("| " + " | ".join(row) + " |")
    for kind, ns in costs.items():
        print("empty ctypes call, %s: %.0f ns" % (kind, ns))
    for key, res in results.items():
        if res.get("top"):
            print("\n%s hottest symbols:" % key)
            for pct, dso, sym in res["top"]:
                print("  %5.1f%%  %-28s %s" % (pct, dso, sym))
        if res.get("cprofile"):
            print("\n%s cProfile:\n%s" % (key, res["cprofile"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"impl": args.impl, "openssl": api.library_version(),
                       "results": results, "empty_call_ns": costs}, f,
                      indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
