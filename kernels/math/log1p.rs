//! `ln(1 + u)` on lanes.
//!
//! `1 + u = 2^k·m` with `m` in [√2/2, √2) and `f = m - 1`; then
//! `ln(1+f) = f - f²/2 + s·(f²/2 + R(s²))` with `s = f/(2+f)` and a degree-3
//! minimax `R(z)/z`, plus `k·ln2` and a correction for the rounding of
//! `1 + u` (the scheme of fdlibm's `log1p`, with our own fit).
//!
//! Accuracy: within 1 ULP of the correctly rounded result for every
//! `u > -1` (measured through softplus and logsigmoid, see README); `-1`
//! gives -inf, below it NaN, +inf gives +inf, NaN propagates.

use super::poly::horner;
use crate::kernel::prelude::*;

/// `ln 2` with 7 trailing zero bits (0.693138123), so `k·LN2_HI` is exact.
const LN2_HI: f32 = f32::from_bits(0x3F31_7180);
/// `ln 2 - LN2_HI`, rounded to f32.
const LN2_LO: f32 = 9.058_001e-6;

/// `R(z)/z` on `z = s²` in [0, 0.0295]; relative error 3e-8 (`tools/polyfit.py log1p_core`).
const R: [f32; 4] = [0.666_666_7, 0.399_988_92, 0.286_602, 0.208_817_14];

/// `ln(1 + u)`, accurate also for small `|u|`.
#[inline(always)]
pub fn log1p<L: Lanes>(l: L, u: L::F) -> L::F {
    log1p_pair(l, u).0
}

/// `ln(1 + u)` as `(y, e)`: the rounded result and (for finite results) an
/// estimate of its rounding error, `y + e` accurate to about 2^-30
/// relative, for callers that go on computing with it.
#[inline(always)]
pub fn log1p_pair<L: Lanes>(l: L, u: L::F) -> (L::F, L::F) {
    let one = l.splat(1.0);
    let t = l.add(u, one);
    // Shift the exponent boundary to √2/2 so m lands in [√2/2, √2).
    let bits = l.add_i(l.to_bits(t), l.splat_i(0x3F80_0000 - 0x3F35_04F3));
    let k = l.to_float(l.sub_i(l.shr_i::<23>(bits), l.splat_i(127)));
    let m = l.bits_as_float(l.add_i(
        l.and_i(bits, l.splat_i(0x007F_FFFF)),
        l.splat_i(0x3F35_04F3),
    ));
    let f = l.sub(m, one);
    // What the rounding of 1 + u lost, relative to t.
    let lost = l.select(
        l.gt(k, l.splat(0.0)),
        l.sub(one, l.sub(t, u)),
        l.sub(u, l.sub(t, one)),
    );
    let c = l.div(lost, t);

    let s = l.div(f, l.add(l.splat(2.0), f));
    let z = l.mul(s, s);
    let r = l.mul(z, horner(l, z, &R));
    let hfsq = l.mul(l.splat(0.5), l.mul(f, f));
    // k·ln2 + f - f²/2 + s·(f²/2 + R): the large part k·LN2_HI + f is exact
    // for k in {0, 1} (both on a 2^-24 grid, below 1); the rest is small.
    let hi = l.mul_add(k, l.splat(LN2_HI), f);
    let tail = l.mul_add(s, l.add(hfsq, r), l.neg(hfsq));
    let lo = l.add(tail, l.mul_add(k, l.splat(LN2_LO), c));
    let y = l.add(hi, lo);
    // Fast2Sum: |hi| >= |lo|.
    let e = l.add(l.sub(hi, y), lo);

    // -1 -> -inf, below -1 -> NaN, +inf -> +inf; NaN passes through `y`'s
    // arithmetic, and 0 keeps its sign.
    let y = l.select(l.eq(t, l.splat(0.0)), l.splat(f32::NEG_INFINITY), y);
    let y = l.select(l.lt(t, l.splat(0.0)), l.splat(f32::NAN), y);
    let y = l.select(l.eq(u, l.splat(f32::INFINITY)), u, y);
    let y = l.select(l.eq(u, l.splat(0.0)), u, y);
    let finite = l.lt(l.abs(y), l.splat(f32::INFINITY));
    (y, l.select(finite, e, l.splat(0.0)))
}
