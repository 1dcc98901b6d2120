//! Error-free transformations: a rounded result and its exact rounding
//! error, so a kernel can carry a value as an unevaluated sum `hi + lo`.

use crate::kernel::prelude::*;

/// `a·b = p + e` exactly (`e` from an FMA). Where `p` overflows to ±inf (or
/// an operand is infinite) `e` is 0, so `p + e` stays `p` instead of NaN.
#[inline(always)]
pub fn two_product<L: Lanes>(l: L, a: L::F, b: L::F) -> (L::F, L::F) {
    let p = l.mul(a, b);
    let e = l.mul_add(a, b, l.neg(p));
    (
        p,
        l.select(l.eq(l.abs(p), l.splat(f32::INFINITY)), l.splat(0.0), e),
    )
}

/// `a + b = s + e` exactly, whatever the magnitudes (Knuth's TwoSum). Where
/// `s` is infinite `e` is 0.
#[inline(always)]
pub fn two_sum<L: Lanes>(l: L, a: L::F, b: L::F) -> (L::F, L::F) {
    let s = l.add(a, b);
    let bb = l.sub(s, a);
    let e = l.add(l.sub(a, l.sub(s, bb)), l.sub(b, bb));
    (
        s,
        l.select(l.eq(l.abs(s), l.splat(f32::INFINITY)), l.splat(0.0), e),
    )
}

/// `v·(c.0 + c.1)` for a constant carried as an unevaluated sum, rounded
/// once (so where `v·c.0` alone would round to ±inf but the sum does not,
/// the result is finite); an infinite `v` gives ±inf and NaN propagates.
#[inline(always)]
pub fn times_pair<L: Lanes>(l: L, c: (f32, f32), v: L::F) -> L::F {
    // The small product from a finite stand-in for v, so an infinite v
    // does not meet an infinite product of the other sign (inf - inf);
    // `max` and `min` keep a NaN v (their second operand).
    let finite = l.min(l.splat(f32::MAX), l.max(l.splat(f32::MIN), v));
    l.mul_add(v, l.splat(c.0), l.mul(finite, l.splat(c.1)))
}
