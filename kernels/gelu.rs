//! `gelu`: x·Φ(x), exactly or with PyTorch's tanh approximation.

use super::math::dd::{pass_nan, two_prod, two_sum};
use super::math::erf::{normal_tail_minus_t_density, normal_tail_times_t};
use super::math::exp::{exp_parts2_of_sum, exp_parts2_of_sum_deep};
use super::math::exp_dd::exp_parts_dd;
use super::math::gradient::tame;
use super::math::logistic::times_from_exp_parts;
use super::math::poly::{scale_by_pow2, Pow2};
use super::math::wide::{horner_d, pow2_wide, widen_sum, Wide};
use crate::kernel::prelude::*;

/// 2·√(2/π) and 2·√(2/π)·0.044715 (the tanh form's `2u = x·(K2 + KA2·x²)`),
/// in f64 and as f32 pairs.
const K2: f64 = 1.595_769_121_605_730_7;
const KA2: f64 = 0.071_354_816_272_600_25;
const K2_HI: f32 = 1.595_769_2;
const K2_LO: f32 = -4.534_068e-8;
const KA2_HI: f32 = 0.071_354_814;
const KA2_LO: f32 = 2.398_832_5e-9;

/// The root of the tanh form's derivative near -0.75 as `TANH_ROOT_HI +
/// TANH_ROOT_LO`, and `R(d)` with `gelu'(x0 + d) = d·R(d)` on `|d| <= 1/16`;
/// relative error 2e-11 (`tools/polyfit.py gelu_tanh_root`).
const TANH_ROOT_HI: f32 = -0.752_461_43;
const TANH_ROOT_LO: f64 = 1.133_962_827_276_204_6e-8;
const TANH_BAND: f32 = 0.0625;
const TANH_R: [f64; 6] = [
    0.430_400_091_034_627_5,
    0.387_518_446_064_681_56,
    -0.015_782_898_591_295_41,
    -0.113_944_394_097_489_4,
    -0.016_588_536_366_660_23,
    0.019_654_152_233_498_57,
];

/// Gaussian error linear unit (Hendrycks and Gimpel 2016), PyTorch's
/// `approximate` choice: `none` is `x·Φ(x) = x/2·(1 + erf(x/√2))`, `tanh`
/// is `x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))`.
///
/// `none`: with `t = |x|`, `q = t·Φ(-t) = e^(-t²/2)·T(t)`, the forward is
/// `-q` for `x < 0` and `x - q` above (no `1 + erf` cancellation; the
/// negative tail keeps relative accuracy down to the denormal range near
/// x = -14), in f32, `T` a piecewise polynomial
/// ([`super::math::erf::normal_tail_times_t`]); backward `Φ(x) + x·φ(x)`,
/// also in f32: `e^(-t²/2)·G(t)` below zero and `1 - e^(-t²/2)·G(t)`
/// above, `G` piecewise too, with gelu's minimum factored out of it.
///
/// `tanh`: `1 + tanh u = 2σ(2u)`, so `x·σ(2u)` with `v = e^(-2|u|)`, `2u`
/// an f32 pair: `x/(1 + v)` for `x >= 0`, `x·v/(1 + v)` below; backward
/// `f·((1 + v) + 2x·u'·s)/(1 + v)²` (`f = 1, s = v` for `x >= 0`, `f = v,
/// s = 1` below).
/// The tanh form's forward stays in f32 too: σ(2u) as sigmoid computes it,
/// the product with `x` taken before the power of two of `v` (within 1.5
/// ULP). Its backward evaluates in f64 and rounds once; it crosses zero
/// near x = -0.75, where `d·R(d)` about the root takes over.
/// Not available from the output (gelu is not monotone).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Gelu {
    /// `approximate=tanh`: the tanh approximation instead of the exact form.
    pub tanh: bool,
}

impl Elementwise for Gelu {
    const INFO: Info = Info {
        name: "gelu",
        aliases: &[],
        family: Family::Transcendental,
        forward: "none: x·Φ(x) = x/2·(1 + erf(x/√2)); tanh: x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))",
        backward: "dy·(exact derivative of the chosen form)",
        params: &[Param::choice(
            "approximate",
            &["none", "tanh"],
            "none: exact x·Φ(x); tanh: PyTorch's tanh approximation",
        )],
        from_output: FromOutput::Never(
            "gelu is not monotone (it has a minimum near x = -0.75), so y does not determine x",
        ),
        accuracy: Accuracy::ulps(4, 4),
        examples: &["gelu", "gelu(approximate=tanh)"],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Gelu {
            tanh: v[0].choice() == "tanh",
        }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Choice(if self.tanh { "tanh" } else { "none" })
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let y = if self.tanh {
            tanh_forward(l, x)
        } else {
            exact_forward(l, x)
        };
        pass_nan(l, x, y)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let dx = if self.tanh {
            tanh_backward(l, x, dy)
        } else {
            exact_backward(l, x, dy)
        };
        pass_nan(l, x, dx)
    }
}

/// The exact form's backward in f32: with `t = |x|` and `e^(-t²/2)·G(t) =
/// Φ(-t) - t·φ(t)` ([`normal_tail_minus_t_density`], which keeps relative
/// accuracy through G's root, the minimum of gelu), `gelu'(x) = e^(-t²/2)·G`
/// for `x < 0` and `1 - e^(-t²/2)·G` above (there `e^(-t²/2)·G <= 1/2`, so
/// its error counts at most once). `x²` is split exactly and `e^(-t²/2) =
/// (ph + pl)·2^n`; below zero the power of two is applied after the
/// product with `dy`, so results down to the denormal range round once,
/// and a huge `dy` runs scaled ([`tame`]) so `dy·e^(-t²/2)·G` is right
/// wherever it is a finite f32: hence `t` up to 19.75 (`e^-195`).
#[inline(always)]
fn exact_backward<L: Lanes>(l: L, x: L::F, dy: L::F) -> L::F {
    let t = l.min(l.splat(19.75), l.abs(x));
    let g = normal_tail_minus_t_density(l, t);
    let (sh, sl) = two_prod(l, t, t);
    let half = l.splat(-0.5);
    let (ph, pl, n) = exp_parts2_of_sum_deep(l, l.mul(sh, half), l.mul(sl, half));
    // e^(-t²/2)·G before its power of two as a pair (eh + el, to 2^-47), so
    // that below zero the product with dy rounds once.
    let eh = l.mul(ph, g);
    let el = l.mul_add(pl, g, l.mul_add(ph, g, l.neg(eh)));
    // Where n (plus a shift) is below -246 the scaled value is far below
    // 2^-150 (|eh| < 12, a tamed |dy| <= 2^64): clamping keeps it zero.
    let floor = l.splat(-246.0);
    let (tamed, shift) = tame(l, dy);
    let product = l.mul_add(tamed, eh, l.mul(tamed, el));
    let below = scale_by_pow2(l, product, l.max(l.add(n, shift), floor));
    let one = l.splat(1.0);
    let above = l.mul(
        dy,
        l.sub(one, scale_by_pow2(l, l.add(eh, el), l.max(n, floor))),
    );
    l.select(l.lt(x, l.splat(0.0)), below, above)
}

/// The tanh form's backward, in f64: `dy·f·((1 + v) + x·2u'·s)/(1 + v)²`
/// ([`tanh_backward_d`]), and `dy·d·R(d)` about the derivative's root.
#[inline(always)]
fn tanh_backward<L: Lanes>(l: L, x: L::F, dy: L::F) -> L::F {
    let (dy0, dy1) = l.widen(dy);
    let (v, m) = tanh_parts(l, x);
    let (x0, x1) = l.widen(l.min(l.splat(20.0), l.max(l.splat(-20.0), x)));
    let dx = l.narrow(
        tanh_backward_d(l, x0, v.0, m.0, dy0),
        tanh_backward_d(l, x1, v.1, m.1, dy1),
    );
    // Around the root: d·R(d), d = x - x0 exactly (Sterbenz, then f64).
    let dh = l.sub(x, l.splat(TANH_ROOT_HI));
    let near = l.le(l.abs(dh), l.splat(TANH_BAND));
    if !l.any(near) {
        return dx;
    }
    let (d0, d1) = l.widen(dh);
    let (d0, d1) = (
        l.sub_d(d0, l.splat_d(TANH_ROOT_LO)),
        l.sub_d(d1, l.splat_d(TANH_ROOT_LO)),
    );
    let at_root = l.narrow(
        l.mul_d(dy0, l.mul_d(d0, horner_d(l, d0, &TANH_R))),
        l.mul_d(dy1, l.mul_d(d1, horner_d(l, d1, &TANH_R))),
    );
    l.select(near, at_root, dx)
}

/// For the tanh form's derivative: `v = e^(-2|u|)` exactly scaled and `m`
/// (1 where `x < 0`), as f64 halves. `2|u| = |x|·(K2 + KA2·x²)` is formed
/// as an f32 pair (a rounded `2u` would cost `2|u|·2^-24` relative in
/// `v`); `v` to 2^-28, as the derivative cancels near its root.
#[inline(always)]
fn tanh_parts<L: Lanes>(l: L, x: L::F) -> (Wide<L>, Wide<L>) {
    let (wh, wl) = doubled_u(l, x);
    let (vh, vl, n) = exp_parts_dd(l, l.neg(wh), l.neg(wl));
    let (v0, v1) = widen_sum(l, vh, vl);
    let (s0, s1) = pow2_wide(l, n);
    let m = l.widen(l.select(l.lt(x, l.splat(0.0)), l.splat(1.0), l.splat(0.0)));
    ((l.mul_d(v0, s0), l.mul_d(v1, s1)), m)
}

/// `2|u| = |x|·(K2 + KA2·x²)` as an f32 pair `(wh, wl)`, to about 2^-44
/// relative; `|x|` clamped to 20 (beyond it `e^(-2|u|)` is below e^-600),
/// which keeps `x³` finite.
#[inline(always)]
fn doubled_u<L: Lanes>(l: L, x: L::F) -> (L::F, L::F) {
    let ax = l.min(l.splat(20.0), l.abs(x));
    let (x2h, x2l) = two_prod(l, ax, ax);
    let (ph, pl) = two_prod(l, l.splat(KA2_HI), x2h);
    let pl = l.mul_add(l.splat(KA2_HI), x2l, l.mul_add(l.splat(KA2_LO), x2h, pl));
    let (ih, il) = two_sum(l, l.splat(K2_HI), ph);
    let il = l.add(il, l.add(pl, l.splat(K2_LO)));
    let (wh, wl) = two_prod(l, ax, ih);
    (wh, l.mul_add(ax, il, wl))
}

/// The exact form's forward in f32: with `t = |x|` and `q = t·Φ(-t) =
/// e^(-t²/2)·T(t)`, `gelu(x) = -q` for `x < 0` and `x - q` above (there
/// `q <= x/2`, so its error counts at most once). `x²` is split exactly and
/// `e^(-x²/2) = (ph + pl)·2^n` ([`exp_parts2_of_sum`]); the power of two is
/// applied after the product, so tail results down to the denormal range
/// round once. `T` is taken at `min(t, 14.5)`: beyond 14.33 the result is
/// below 2^-150 and rounds to zero anyway.
#[inline(always)]
fn exact_forward<L: Lanes>(l: L, x: L::F) -> L::F {
    let t = l.min(l.splat(14.5), l.abs(x));
    let tail = normal_tail_times_t(l, t);
    let (sh, sl) = two_prod(l, x, x);
    let half = l.splat(-0.5);
    let (ph, pl, n) = exp_parts2_of_sum(l, l.mul(sh, half), l.mul(sl, half));
    let q = Pow2::new(l, n).scale(l, l.mul_add(ph, tail, l.mul(pl, tail)));
    l.select(l.lt(x, l.splat(0.0)), l.neg(q), l.sub(x, q))
}

/// The tanh form's forward in f32: `x·σ(2u)` from `e^(-2|u|) = (ph + pl)·2^n`
/// ([`exp_parts2_of_sum`] of the pair `-2|u|`), its power of two applied
/// after the product. Below -20 the result is 0: clamping the factor there
/// keeps a huge negative `x` from lifting `x·e^-170` off zero (and -inf·0
/// away).
#[inline(always)]
fn tanh_forward<L: Lanes>(l: L, x: L::F) -> L::F {
    let (wh, wl) = doubled_u(l, x);
    let (ph, pl, n) = exp_parts2_of_sum(l, l.neg(wh), l.neg(wl));
    let f = l.max(l.splat(-20.0), x);
    times_from_exp_parts(l, f, l.lt(x, l.splat(0.0)), ph, pl, n)
}

/// `dy·f·((1 + v) + x·2u'·s)/(1 + v)²` on one half (`s = v` for `x >= 0`,
/// 1 below; `2u' = K2 + 3·KA2·x²`).
#[inline(always)]
fn tanh_backward_d<L: Lanes>(l: L, x: L::D, v: L::D, m: L::D, dy: L::D) -> L::D {
    let one = l.splat_d(1.0);
    let f = l.add_d(l.mul_d(m, v), l.sub_d(one, m));
    let s = l.add_d(l.mul_d(l.sub_d(one, m), v), m);
    let du2 = l.add_d(l.splat_d(K2), l.mul_d(l.splat_d(3.0 * KA2), l.mul_d(x, x)));
    let opv = l.add_d(one, v);
    let b = l.add_d(opv, l.mul_d(l.mul_d(x, du2), s));
    l.mul_d(dy, l.div_d(l.mul_d(f, b), l.mul_d(opv, opv)))
}
