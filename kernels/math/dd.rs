//! Error-free transformations on lanes: sums and products returned as an
//! unevaluated pair `hi + lo` that equals the exact result, the building
//! blocks of double-f32 ("double-float") arithmetic where a formula needs
//! more than f32 precision to round right.
//!
//! All rely on round-to-nearest and on [`Lanes::mul_add`] being fused
//! (it is, on every backend). Products are exact unless they underflow.

use crate::kernel::prelude::*;

/// `(s, e)` with `s = fl(a + b)` and `s + e = a + b` exactly, for any
/// finite `a` and `b` (Knuth's TwoSum, 6 operations).
#[inline(always)]
pub fn two_sum<L: Lanes>(l: L, a: L::F, b: L::F) -> (L::F, L::F) {
    let s = l.add(a, b);
    let bb = l.sub(s, a);
    let aa = l.sub(s, bb);
    let e = l.add(l.sub(a, aa), l.sub(b, bb));
    (s, e)
}

/// `(s, e)` with `s = fl(a + b)` and `s + e = a + b` exactly, provided
/// `a` is zero or its exponent is at least `b`'s (e.g. `|a| >= |b|`)
/// (Dekker's Fast2Sum, 3 operations).
#[inline(always)]
pub fn fast_two_sum<L: Lanes>(l: L, a: L::F, b: L::F) -> (L::F, L::F) {
    let s = l.add(a, b);
    let e = l.sub(b, l.sub(s, a));
    (s, e)
}

/// `(p, e)` with `p = fl(a·b)` and `p + e = a·b` exactly (unless the
/// product underflows).
#[inline(always)]
pub fn two_prod<L: Lanes>(l: L, a: L::F, b: L::F) -> (L::F, L::F) {
    let p = l.mul(a, b);
    (p, l.mul_add(a, b, l.neg(p)))
}

/// `(ah + al)·(bh + bl)` as a pair, to about 2^-44 relative (the `al·bl`
/// term and the rounding of the low part are dropped).
#[inline(always)]
pub fn mul_dd<L: Lanes>(l: L, ah: L::F, al: L::F, bh: L::F, bl: L::F) -> (L::F, L::F) {
    let (p, e) = two_prod(l, ah, bh);
    let e = l.mul_add(ah, bl, l.mul_add(al, bh, e));
    fast_two_sum(l, p, e)
}

/// `(nh + nl)/(dh + dl)` as a pair `(q, c)`: `q` within about 1.5 ULP of
/// the quotient and `q + c` within about 2^-44 relative, with one division
/// (a reciprocal, then one Newton-style correction from the remainder).
#[inline(always)]
pub fn div_dd<L: Lanes>(l: L, nh: L::F, nl: L::F, dh: L::F, dl: L::F) -> (L::F, L::F) {
    let r = l.div(l.splat(1.0), dh);
    let q = l.mul(nh, r);
    // The remainder n - q·d, tiny next to n: its own rounding hardly matters.
    let rem = l.add(l.mul_add(l.neg(q), dh, nh), l.mul_add(l.neg(q), dl, nl));
    (q, l.mul(rem, r))
}

/// `y`, or `x` itself where `x` is NaN: the input's own NaN, with the same
/// bits on every backend (a NaN made inside a fused multiply-add may differ
/// in sign between hardware FMA and its exact emulation).
#[inline(always)]
pub fn pass_nan<L: Lanes>(l: L, x: L::F, y: L::F) -> L::F {
    l.select(l.is_nan(x), x, y)
}
