//! The logistic function σ(x) = 1/(1 + e^-x), its products and its slope,
//! for sigmoid, tanh's backward, gelu's tanh form, silu's backward and the
//! gradients of logsigmoid and softplus.
//!
//! With `e = e^-|x|` (never overflows): `1/(1+e)` for `x >= 0` and
//! `e/(1+e)` for `x < 0`, with the power of two of `e` applied last so
//! results down to the denormal range round once. [`sigmoid`] carries `e`
//! and `1 + e` as unevaluated sums and corrects the quotient: within 1 ULP.
//! The `one_quotient` functions round `e` and `1 + e` once each and divide
//! once: within 2 ULP (measured through the exhaustive sweeps of the
//! kernels that use them), and about 40% faster. NaN propagates;
//! σ(±inf) = 1, 0.

use super::exp::{exp_parts2, exp_parts2_of_minus_abs, exp_parts_of_minus_abs, exp_parts_of_sum};
use super::poly::{rough_reciprocal, Pow2};
use crate::kernel::prelude::*;

/// σ(x) within 1 ULP, for silu's backward, which adds a product to it
/// under a tight bound.
#[inline(always)]
pub fn sigmoid<L: Lanes>(l: L, x: L::F) -> L::F {
    let negative = l.lt(x, l.splat(0.0));
    let (ph, pl, n) = exp_parts2_of_minus_abs(l, x);
    from_exp_parts(l, negative, ph, pl, n)
}

/// σ(x) within 2 ULP: one rounded quotient, `1/(1+e)` for `x >= 0` and
/// `e/(1+e)` below, from `e = e^-|x|` and `1 + e` each rounded once, the
/// power of two of `e` applied last as in [`sigmoid`].
///
/// [`sigmoid`] without its correction of the quotient: 2 ULP at most over
/// every f32 (1 for [`sigmoid`]), and about 40% less time (0.28 -> 0.17 ns
/// per element at 64K on one Zen 5 core with AVX-512). The sigmoid
/// kernel's forward uses it; silu, which multiplies σ by something else
/// under a 2 ULP bound, keeps the 1 ULP [`sigmoid`].
#[inline(always)]
pub fn sigmoid_one_quotient<L: Lanes>(l: L, x: L::F) -> L::F {
    let negative = l.lt(x, l.splat(0.0));
    let (p, n) = exp_parts_of_minus_abs(l, x);
    let pow2 = Pow2::new(l, n);
    let y = one_quotient(l, negative, p, &pow2);
    l.select(negative, pow2.scale(l, y), y)
}

/// σ(x + dx) as one rounded quotient: [`sigmoid_one_quotient`] of an
/// argument given as an unevaluated sum (the low part folded into the
/// exponential's reduced argument, [`exp_parts_of_sum`]). For softplus's
/// backward, whose bound of 4 ULP leaves room for σ's 2 plus the product
/// with `dy`.
#[inline(always)]
pub fn sigmoid_one_quotient_of_sum<L: Lanes>(l: L, x: L::F, dx: L::F) -> L::F {
    let negative = l.lt(x, l.splat(0.0));
    let minus_dx = l.select(negative, dx, l.neg(dx));
    let (p, n) = exp_parts_of_sum(l, l.neg(l.abs(x)), minus_dx);
    let pow2 = Pow2::new(l, n);
    let y = one_quotient(l, negative, p, &pow2);
    l.select(negative, pow2.scale(l, y), y)
}

/// `f·σ(z)` from `e = e^-|z| = p·2^n` and the sign of `z`, with σ as one
/// rounded quotient ([`sigmoid_one_quotient`]'s) and the power of two
/// applied after the product, so a product in the denormal range rounds
/// once. σ's 2 ULP plus the product's rounding, for callers whose bound
/// leaves room (gelu's tanh form: 3 ULP against 4; with σ corrected to 1
/// ULP it was 2, at 1.2x the time).
#[inline(always)]
pub fn times_one_quotient<L: Lanes>(l: L, f: L::F, negative: L::M, p: L::F, n: L::F) -> L::F {
    let pow2 = Pow2::new(l, n);
    let y = l.mul(f, one_quotient(l, negative, p, &pow2));
    l.select(negative, pow2.scale(l, y), y)
}

/// `1/(1+e)` (not `negative`) or `p/(1+e)` with `e = p·2^n`, each rounded
/// once; the caller applies `2^n` to the second.
#[inline(always)]
fn one_quotient<L: Lanes>(l: L, negative: L::M, p: L::F, pow2: &Pow2<L>) -> L::F {
    let one = l.splat(1.0);
    l.div(l.select(negative, p, one), l.add(one, pow2.scale(l, p)))
}

/// `dy·σ'(t)·2^k = dy·e/(1+e)²·2^k` with `e = e^-|t|`, from `at = |t|`,
/// for integral `k` in [0, 8]: sigmoid's backward (`k = 0`) and tanh's
/// (`tanh'(x) = 4σ'(2x)`, `k = 2`).
///
/// `e` is kept as an unrounded pair with its power of two applied last, so
/// denormal results round once, and `dy` is halved first so `dy·e` stays
/// finite for |dy| up to f32::MAX. Within 3 ULP (the sweeps of sigmoid and
/// tanh). Beyond `at` = 170 (the exponential's clamp) it is the value at
/// 170, about `dy·2^(k-245)`: below 2^-150, so 0, for |dy| < 2^(95-k).
#[inline(always)]
pub fn times_slope<L: Lanes>(l: L, at: L::F, dy: L::F, k: f32) -> L::F {
    let one = l.splat(1.0);
    let (ph, pl, n) = exp_parts2(l, l.neg(at));
    let e = Pow2::new(l, n).scale(l, ph);
    // (1 + e)² = e·(e + 2) + 1, rounded once.
    let d2 = l.mul_add(e, l.add(e, l.splat(2.0)), one);
    // dy·e/(1+e)² with e = ((ph + pl)/2)·2^(n+1).
    let half_dy = l.mul(dy, l.splat(0.5));
    let num = l.mul_add(half_dy, ph, l.mul(half_dy, pl));
    Pow2::new(l, l.add(n, l.splat(1.0 + k))).scale(l, l.div(num, d2))
}

/// σ from `e = e^-|x| = (ph + pl)·2^n` and the sign of `x`.
#[inline(always)]
fn from_exp_parts<L: Lanes>(l: L, negative: L::M, ph: L::F, pl: L::F, n: L::F) -> L::F {
    let pow2 = Pow2::new(l, n);
    let y = unscaled(l, negative, ph, pl, &pow2);
    l.select(negative, pow2.scale(l, y), y)
}

/// σ before its final scaling: `1/(1+e)` for `x >= 0`, `σ·2^-n` below.
/// `pl` must lie within half an ULP of `ph` (a normalized pair): the
/// quotient's correction is scaled by a reciprocal good to only 6%.
#[inline(always)]
fn unscaled<L: Lanes>(l: L, negative: L::M, ph: L::F, pl: L::F, pow2: &Pow2<L>) -> L::F {
    let one = l.splat(1.0);
    // One far-tail test for both scalings by 2^n.
    let e = pow2.scale(l, ph);
    // 1 + e exactly, as dh + dl (Fast2Sum: e <= 1).
    let dh = l.add(one, e);
    let dl = l.add(l.sub(one, dh), e);
    // x >= 0: 1/(1+e); x < 0: e/(1+e) = ((ph + pl)/(1+e))·2^n.
    let nh = l.select(negative, ph, one);
    let nl = l.select(negative, pl, l.splat(0.0));
    // (nh + nl)/(dh + dl) = q + (exact remainder + nl - q·dl)/dh; the
    // correction is a few ULPs, so a 6% reciprocal of dh is enough for it.
    let q = l.div(nh, dh);
    let rem = l.add(l.mul_add(l.neg(q), dh, nh), l.mul_add(l.neg(q), dl, nl));
    l.mul_add(rem, rough_reciprocal(l, dh), q)
}
