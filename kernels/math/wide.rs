//! Helpers for the f64 lanes ([`Lanes::widen`]): the few formulas whose
//! terms cancel in ways that f32 pairs would handle only at several times
//! the cost (the mish and gelu derivatives, rational fits of the normal
//! tail) are evaluated in f64 and rounded to f32 once.
//!
//! An f64 lane pair is `(lo, hi)`: the low and high halves of an f32
//! vector, as [`Lanes::widen`] returns them.

use super::poly::pow2_of_int;
use crate::kernel::prelude::*;

/// Two f64 vectors holding the halves of one f32 vector.
pub type Wide<L> = (<L as Lanes>::D, <L as Lanes>::D);

/// `a` widened (exact).
#[inline(always)]
pub fn widen<L: Lanes>(l: L, a: L::F) -> Wide<L> {
    l.widen(a)
}

/// `hi + lo` (an f32 pair) widened: exact when `|lo| <= 2^-24·|hi|`.
#[inline(always)]
pub fn widen_sum<L: Lanes>(l: L, hi: L::F, lo: L::F) -> Wide<L> {
    let (h0, h1) = l.widen(hi);
    let (l0, l1) = l.widen(lo);
    (l.add_d(h0, l0), l.add_d(h1, l1))
}

/// `2^n` for lanes holding integers `n` in [-252, 254], exact, as f64
/// (the product of two normal f32 powers of two).
#[inline(always)]
pub fn pow2_wide<L: Lanes>(l: L, n: L::F) -> Wide<L> {
    let n = l.to_int(n);
    let low = l.shr_i::<1>(n);
    let high = l.sub_i(n, low);
    let (a0, a1) = l.widen(pow2_of_int(l, high));
    let (b0, b1) = l.widen(pow2_of_int(l, low));
    (l.mul_d(a0, b0), l.mul_d(a1, b1))
}

/// `c[0] + c[1]·x + ...` by Horner's rule in f64.
#[inline(always)]
pub fn horner_d<L: Lanes, const N: usize>(l: L, x: L::D, c: &[f64; N]) -> L::D {
    let mut acc = l.splat_d(c[N - 1]);
    for &ci in c[..N - 1].iter().rev() {
        acc = l.add_d(l.mul_d(acc, x), l.splat_d(ci));
    }
    acc
}
