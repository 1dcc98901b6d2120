#!/usr/bin/env python3
"""Correctly rounded soft_exponential values next to the function's root, for
tests/suite/fuzz_findings.rs.

Next to the root x0 = ln(1 - a^2)/a (a > 0) the result cancels to many
orders of magnitude below x, and an f64 formula loses it (1368 ULP at
a = 2^-10); these values come from mpmath at 400 bits, rounded once to f32
(denormals included). Writes tests/suite/data/soft_exponential_roots.txt:
one line per input, `alpha x y` as f32 bit patterns in hex.

Usage (needs `pip install mpmath`): tools/soft_exponential_roots.py
"""

import struct
from pathlib import Path

import mpmath as mp

mp.mp.prec = 400

ALPHAS = [
    2.0**-10, 1e-5, 1e-10, 2.9e-11, 3e-13, 1e-14, 2.0**-56, 3e-3, 0.2, 0.5,
    0.7, 0.70710677, 0.7071068, 0.9, 0.999, 0.99999994, 1.0, 2.0,
    -0.5, -1e-5, -1e-10, -(2.0**-56),
]


def f32(v):
    return struct.unpack("f", struct.pack("f", v))[0]


def bits(v):
    return struct.unpack("I", struct.pack("f", v))[0]


def from_bits(b):
    return struct.unpack("f", struct.pack("I", b))[0]


def round_f32(v):
    """The f32 nearest the mpf v (ties to even), denormals and overflow included."""
    if mp.isnan(v):
        return float("nan")
    if mp.isinf(v):
        return float(v)
    if abs(v) < mp.mpf(2) ** -126:
        return float(mp.nint(v * mp.mpf(2) ** 149) * mp.mpf(2) ** -149)
    with mp.workprec(24):
        r = +v
    if abs(r) >= mp.mpf(2) ** 128:
        return float("inf") if r > 0 else float("-inf")
    return float(r)


def soft_exponential(a, x):
    a, x = mp.mpf(a), mp.mpf(x)
    if a < 0:
        v = 1 - a * (x + a)
        if v < 0:
            return mp.nan
        if v == 0:
            return mp.ninf
        return -mp.log(v) / a
    return mp.expm1(a * x) / a + a


def inputs(a):
    # alpha >= 1 has no root: the same pattern around -alpha.
    root = f32(float(mp.log1p(-mp.mpf(a) ** 2) / a)) if abs(a) < 1 else -a
    b = bits(root)
    xs = [from_bits(b + i) for i in range(-8, 9)]
    xs += [f32(root * (1 + i / 64)) for i in (-32, -8, -2, -1, 1, 2, 8, 32)]
    xs += [0.0, 1.0, -1.0, 30.0, -30.0, 1e10, -1e10, 3e30, -3e30, 1e-30]
    return xs


def main():
    lines = []
    for a in ALPHAS:
        a = f32(a)
        for x in inputs(a):
            y = round_f32(soft_exponential(a, x))
            lines.append(f"{bits(a):08x} {bits(x):08x} {bits(f32(y)):08x}")
    out = Path(__file__).resolve().parent.parent / "tests/suite/data/soft_exponential_roots.txt"
    out.write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} values written to {out}")


main()
