//! `gelu`: x·Φ(x), exactly or with PyTorch's tanh approximation.

use super::math::dd::{pass_nan, two_prod, two_sum};
use super::math::erf::{normal_tail_minus_t_density, normal_tail_times_t};
use super::math::exp::{exp_parts2_of_sum_deep, expm1_reduced_times_plus, reduce};
use super::math::gradient::tame;
use super::math::logistic::over_one_plus_exp;
use super::math::poly::{horner, scale_by_pow2, Pow2};
use crate::kernel::prelude::*;

/// 2·√(2/π), 2·√(2/π)·0.044715 and three times that, as f32 pairs: the
/// tanh form's `2u = x·(K2 + KA2·x²)` and `2u' = K2 + KA3·x²`.
const K2_HI: f32 = 1.595_769_2;
const K2_LO: f32 = -4.534_068e-8;
const KA2_HI: f32 = 0.071_354_814;
const KA2_LO: f32 = 2.398_832_5e-9;
const KA3_HI: f32 = 0.214_064_45;
const KA3_LO: f32 = -2.540_834_2e-10;

/// The root of the tanh form's derivative near -0.75 as `TANH_ROOT_HI +
/// TANH_ROOT_LO`, and `R(d)` with `gelu'(x0 + d) = d·R(d)` on `|d| <= 1/8`;
/// relative error 0.48·2^-24 with these f32 coefficients
/// (`tools/polyfit.py gelu_tanh_root_f32`).
const TANH_ROOT_HI: f32 = -0.752_461_43;
const TANH_ROOT_LO: f32 = 1.133_962_8e-8;
const TANH_BAND: f32 = 0.125;
const TANH_R: [f32; 7] = [
    0.430_400_1,
    0.387_518_47,
    -0.015_796_239,
    -0.113_955_095,
    -0.014_440_699,
    0.020_461_54,
    -0.083_661_444,
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
/// `tanh`: `1 + tanh u = 2σ(2u)`, so the forward is `x/(1 + e^(-2u))`,
/// `2u` an f32 pair and the quotient rounded once for both signs of `x`
/// (within 2 ULP); backward, with `v = e^(-2|u|)`,
/// `f·((1 + v) + 2x·u'·s)/(1 + v)²` (`f = 1, s = v` for `x >= 0`, `f = v,
/// s = 1` below), in f32 too; it crosses zero near x = -0.75, where
/// `d·R(d)` about the root takes over.
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
        // No NaN test: both forms clamp |x| with min, which keeps a NaN, and
        // their arithmetic carries it to the result.
        if self.tanh {
            tanh_forward(l, x)
        } else {
            exact_forward(l, x)
        }
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

/// The tanh form's backward in f32, from `v = e^(-2|u|) = (vh + vl)·2^n`
/// and `x·2u'` as a pair: `((1 + v) + x·2u'·v)/(1 + v)²` for `x >= 0`
/// (nothing cancels) and `v·((1 + v) + x·2u')/(1 + v)²` below, with the
/// bracket summed from exact pairs (it cancels toward the root near
/// x = -0.75) and `v`'s power of two applied after the product with `dy`
/// (a huge `dy` runs scaled, [`tame`]); within 1/8 of the root,
/// `d·R(d)`. Both sides share one quotient, corrected by its remainder.
/// Beyond |x| = 14 the results are those of ±14, `dy` or 0: below
/// x = -13.8, `2|u|` passes 210 (taken as 210 by the exponential) and
/// `|dy·e^-210·B| < f32::MAX·2^-303·610` is far below 2^-150.
#[inline(always)]
fn tanh_backward<L: Lanes>(l: L, x: L::F, dy: L::F) -> L::F {
    let one = l.splat(1.0);
    let x = l.min(l.splat(14.0), l.max(l.splat(-14.0), x));
    let negative = l.lt(x, l.splat(0.0));
    let (wh, wl) = doubled_u(l, x);
    let (vh, vl, n) = exp_parts2_of_sum_deep(l, l.neg(wh), l.neg(wl));
    let (xwh, xwl) = times_quadratic(l, x, (K2_HI, K2_LO), (KA3_HI, KA3_LO));
    // 1 + v = dh + dl, v scaled (where n < -246, v·2^n is 0 either way).
    let floor = l.splat(-246.0);
    let vs = scale_by_pow2(l, vh, l.max(n, floor));
    let dh = l.add(one, vs);
    let dl = l.add(
        l.add(l.sub(one, dh), vs),
        scale_by_pow2(l, vl, l.max(n, floor)),
    );
    // (1 + v)² = d2h + d2l.
    let d2h = l.mul(dh, dh);
    let d2l = l.mul_add(l.add(dh, dh), dl, l.mul_add(dh, dh, l.neg(d2h)));
    // The numerator over (1 + v)² as nh + nl. x >= 0: (1 + v) + x·2u'·v,
    // a sum of positive terms, rounded once. x < 0: B·v with the bracket
    // B = (1 + v) + x·2u' summed from exact pairs (it cancels toward the
    // root) and v unscaled, its power of two applied last.
    let (bh, be) = two_sum(l, dh, xwh);
    let bl = l.add(be, l.add(dl, xwl));
    let bvh = l.mul(bh, vh);
    let bvl = l.add(
        l.mul_add(bh, vh, l.neg(bvh)),
        l.mul_add(bh, vl, l.mul(bl, vh)),
    );
    let nh = l.select(negative, bvh, l.add(dh, l.mul_add(xwh, vs, dl)));
    let nl = l.select(negative, bvl, l.splat(0.0));
    // The quotient corrected by its remainder: about an ULP in all.
    let q = l.div(nh, d2h);
    let rem = l.add(l.mul_add(l.neg(q), d2h, nh), l.mul_add(l.neg(q), d2l, nl));
    let q = l.add(q, l.div(rem, d2h));
    // A huge dy runs scaled. Where n (plus the shift) is below -246 the
    // product is far below 2^-150 (|q| < 1000, a tamed |dy| <= 2^64):
    // clamping keeps it zero.
    let (tamed, shift) = tame(l, dy);
    let n = l.select(negative, l.add(n, shift), shift);
    let dx = scale_by_pow2(l, l.mul(tamed, q), l.max(n, floor));
    // Around the root: d·R(d) with d = (x - TANH_ROOT_HI) - TANH_ROOT_LO,
    // the first difference exact (Sterbenz), rounded once.
    let dh = l.sub(x, l.splat(TANH_ROOT_HI));
    let near = l.le(l.abs(dh), l.splat(TANH_BAND));
    if !l.any(near) {
        return dx;
    }
    let r = horner(l, l.sub(dh, l.splat(TANH_ROOT_LO)), &TANH_R);
    let at_root = l.mul_add(r, dh, l.mul(r, l.splat(-TANH_ROOT_LO)));
    l.select(near, l.mul(dy, at_root), dx)
}

/// `2|u| = |x|·(K2 + KA2·x²)` as an f32 pair `(wh, wl)`, to about 2^-44
/// relative; `|x|` clamped to 20 (beyond it `e^(-2|u|)` is below e^-600),
/// which keeps `x³` finite.
#[inline(always)]
fn doubled_u<L: Lanes>(l: L, x: L::F) -> (L::F, L::F) {
    let ax = l.min(l.splat(20.0), l.abs(x));
    times_quadratic(l, ax, (K2_HI, K2_LO), (KA2_HI, KA2_LO))
}

/// `x·(a + b·x²)` for constants given as f32 pairs, as an f32 pair, to
/// about 2^-44 relative (no cancellation: `a` and `b` have one sign).
#[inline(always)]
fn times_quadratic<L: Lanes>(l: L, x: L::F, a: (f32, f32), b: (f32, f32)) -> (L::F, L::F) {
    let (x2h, x2l) = two_prod(l, x, x);
    let (ph, pl) = two_prod(l, l.splat(b.0), x2h);
    let pl = l.mul_add(l.splat(b.0), x2l, l.mul_add(l.splat(b.1), x2h, pl));
    let (ih, il) = two_sum(l, l.splat(a.0), ph);
    let il = l.add(il, l.add(pl, l.splat(a.1)));
    let (wh, wl) = two_prod(l, x, ih);
    (wh, l.mul_add(x, il, wl))
}

/// The exact form's forward in f32: with `t = |x|` and `q = t·Φ(-t) =
/// e^(-t²/2)·T(t)`, `gelu(x) = -q` for `x < 0` and `x - q` above (there
/// `q <= x/2`, so its error counts at most once). `-t²/2 = sh + sl` is
/// split exactly and `sh` reduced to `n·ln2 + r`; the low part joins the
/// reduced argument (`r' = r + sl`, one rounding of at most 2^-26), and
/// `q = 2^n·((T·r')·E(r') + T)` with `e^r' = 1 + r'·E(r')`
/// ([`expm1_reduced_times_plus`]) rounds once (but for `T·r'`) before its
/// power of two is applied: tail results down to the denormal range round
/// once. (The exhaustive sweep finds 2 ULP at most, as it did with `1 + m`
/// carried as an exact pair, which took five more operations.) `t` is
/// taken as `min(|x|, 14.5)`: beyond 14.33 the result is below 2^-150 and
/// rounds to zero anyway.
#[inline(always)]
fn exact_forward<L: Lanes>(l: L, x: L::F) -> L::F {
    let t = l.min(l.splat(14.5), l.abs(x));
    let tail = normal_tail_times_t(l, t);
    // e^(-t²/2) at the clamped t: -t²/2 >= -105.2 needs no clamp, and
    // beyond 14.5 q rounds away (x - q = x, -q = -0) either way.
    // -t²/2 split exactly as t·(-t/2) (the halving is exact).
    let (sh, sl) = two_prod(l, t, l.mul(t, l.splat(-0.5)));
    let (n, r) = reduce(l, sh);
    let r = l.add(r, sl);
    let q = Pow2::new(l, n).scale(l, expm1_reduced_times_plus(l, r, tail));
    // x - q above zero, -q below: max(-0, x) is x or -0 (x itself for ±0
    // and NaN, max's second operand), so the signs of zero come out right.
    l.sub(l.max(l.splat(-0.0), x), q)
}

/// The tanh form's forward in f32: `x·σ(2u) = x/(1 + e^(-2u))`, with
/// `-2u` an f32 pair and the quotient rounded once whatever the sign of
/// `x` ([`over_one_plus_exp`]). `x` is taken in [-12.5, 8] inside `u`:
/// above 8, `e^(-2u) < 2^-71` and the quotient is `x` exactly either way;
/// below -12.5 the result rounds to -0 (`-2u` is 159 at -12.5, inside the
/// exponential's range), and capping the numerator at -20 keeps a huge
/// negative `x` from lifting `x·e^-159` off zero (and -inf·0 away).
#[inline(always)]
fn tanh_forward<L: Lanes>(l: L, x: L::F) -> L::F {
    // min and max keep a NaN (their second operand).
    let xc = l.min(l.splat(8.0), l.max(l.splat(-12.5), x));
    // -2u from the constants negated (every step is exact under negation).
    let (zh, zl) = times_quadratic(l, xc, (-K2_HI, -K2_LO), (-KA2_HI, -KA2_LO));
    over_one_plus_exp(l, l.max(l.splat(-20.0), x), zh, zl)
}
