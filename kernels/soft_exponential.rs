//! `soft_exponential`: α < 0: -ln(1 - α(x+α))/α; α = 0: x; α > 0: (e^(αx) - 1)/α + α.

use super::math::dd64::{self, Dd};
use super::math::exact::{times_pair, two_product, two_sum};
use super::math::exp::{exp_parts2_of_sum, exp_rounded_of_sum, expm1};
use super::math::gradient::times_exp;
use super::math::log1p::{ln as log, log1p};
use super::math::poly::{scale_by_pow2, Pow2};
use crate::kernel::prelude::*;

/// Soft exponential (Godfrey & Gashler 2015), interpolating between the
/// logarithm (α < 0), the identity (α = 0) and the exponential (α > 0).
///
/// Built from its parameter with [`SoftExponential::new`] (or parsed from
/// a spec string), which also computes the constants the α > 0 branches
/// need, once, in double-double.
///
/// Products `αx` and `α(x + α)` are kept as unevaluated sums so the
/// exponential and logarithm do not amplify their rounding. For α >= 1 the
/// result is `(e^(αx) + α² - 1)/α` (two non-negative terms). For 0 < α < 1
/// the function has a root at `x₀ = ln(1 - α²)/α = -α - K/α` with
/// `K = -ln(1 - α²) - α²`, and the result is `(1 - α²)·expm1(α(x - x₀))/α`:
/// `x - x₀ = (x + α) + K/α` is computed with `x + α` exact (it cancels
/// near the root) and `K/α` to 72 bits, so the result keeps its relative
/// accuracy next to the root, where f32 values can lie within 2^-20 of an
/// ULP of it (α = 2^-10). The exponentials are scaled last, so the result
/// is finite wherever the true value is. For α < 0 the logarithm's
/// argument `w = 1 + u` (`u = -α(x + α)`) is negative past
/// `x < -α - 1/|α|` (NaN, as the function is undefined there); below
/// `w = 1/2` the result is `ln w` of the argument rounded once (next to the
/// edge `u`'s rounding is not small next to `w`: α = -1, x -> 0), and for
/// α < -1 where `u` passes 2^40 (it overflows near f32::MAX) it is
/// `ln(-α) + ln(x + α)`, its gradient `dy/(-α(x + α))` in f64.
/// Backward: `dy/(1 - α(α + x))`, `dy`, `dy·e^(αx)`;
/// from the output `dy·e^(αy)` for α < 0 and `dy` for α = 0. For α > 0
/// there is no backward from the output: `y` saturates at `α - 1/α`, where
/// it no longer determines the gradient to f32 precision.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SoftExponential {
    /// Selects the branch; finite, and 0 or of magnitude at least 2^-56.
    alpha: f32,
    /// Functions of α, zero where its branch does not use them.
    constants: Constants,
}

/// The per-α constants of the α > 0 branches (and `ln(-α)` for α < -1).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Constants {
    /// α < -1: `ln(-α)`, rounded.
    ln_minus_alpha: f32,
    /// 0 < α < 1: `K/α` (the root is at `-α - K/α`), 72 bits in three f32.
    root_offset: [f32; 3],
    /// 0 < α < 1: `1 - α²`.
    one_minus_square: (f32, f32),
    /// 0 < α < 1: `(1 - α²)/α`.
    scale: (f32, f32),
    /// α >= 1: `(α² - 1)/α`.
    shift: (f32, f32),
}

/// The smallest nonzero |α| accepted. Below it `1/α` nears the top of the
/// f32 range and α² the denormals.
const MIN_ALPHA: f32 = 1.0 / (1u64 << 56) as f32;

/// α < -1: above this `u = -α(x + α)` (2^40), `ln(1 + u)` is `ln u` and
/// `1 + u` is `u` to far below an ULP.
const HUGE_ARGUMENT: f32 = 1_099_511_627_776.0;

/// Below this `|αw|`, `expm1(αw)/α` is `w` to 2^-31.
const LINEAR_BELOW: f32 = 1.0 / (1u64 << 30) as f32;

impl Constants {
    fn of(alpha: f32) -> Constants {
        let mut c = Constants::default();
        if alpha.is_finite() && alpha < -1.0 {
            c.ln_minus_alpha = dd64::ln(-(alpha as f64)).to_f32_pair().0;
            return c;
        }
        if !(alpha.is_finite() && alpha >= MIN_ALPHA) {
            return c;
        }
        let a = alpha as f64;
        // Exact: α has 24 significant bits, α² 48.
        let t = a * a;
        if alpha >= 1.0 {
            c.shift = (Dd::new(t - 1.0) / Dd::new(a)).to_f32_pair();
            return c;
        }
        let one_minus_t = Dd::new(1.0) - Dd::new(t);
        c.one_minus_square = one_minus_t.to_f32_pair();
        c.scale = (one_minus_t / Dd::new(a)).to_f32_pair();
        c.root_offset = (root_constant(t) / Dd::new(a)).to_f32_triple();
        c
    }
}

/// `K = -ln(1 - t) - t` for `0 < t < 1`, in double-double.
fn root_constant(t: f64) -> Dd {
    if t <= 0.5 {
        // -ln(1 - t) = 2·atanh(s) with s = t/(2 - t), and 2s - t = t·s, so
        // K = t·s + (2·atanh(s) - 2s): positive terms, no cancellation
        // however small t is.
        let s = Dd::new(t) / (Dd::new(2.0) - Dd::new(t));
        Dd::new(t) * s + dd64::two_atanh_minus_linear(s)
    } else {
        // 1 - t is exact here (t's last bit is above 2^-53), and -ln(1 - t)
        // exceeds t by a fifth of it or more.
        -dd64::ln(1.0 - t) - Dd::new(t)
    }
}

impl SoftExponential {
    /// The activation for `alpha`; an error if `alpha` is not finite, or
    /// nonzero and of magnitude below 2^-56.
    ///
    /// ```
    /// use simd_activations::{Activation, Executor, SoftExponential};
    ///
    /// let act = Activation::from(SoftExponential::new(0.5)?);
    /// assert_eq!(act, "soft_exponential(alpha=0.5)".parse()?);
    /// let mut y = [0.0f32; 2];
    /// Executor::new()?.forward(&act, &[0.0, 2.0], &mut y)?;
    /// assert_eq!(y[0], 0.5); // (e^0 - 1)/α + α
    /// assert!(SoftExponential::new(1e-20).is_err());
    /// # Ok::<(), simd_activations::Error>(())
    /// ```
    pub fn new(alpha: f32) -> Result<SoftExponential, Error> {
        let act = SoftExponential::unchecked(alpha);
        Elementwise::validate(&act)?;
        Ok(act)
    }

    /// The parameter α.
    pub fn alpha(&self) -> f32 {
        self.alpha
    }

    fn unchecked(alpha: f32) -> SoftExponential {
        SoftExponential {
            alpha,
            constants: Constants::of(alpha),
        }
    }

    /// `αv` as `(z, dz)` with `z + dz = αv` exactly.
    #[inline(always)]
    fn scaled<L: Lanes>(&self, l: L, v: L::F) -> (L::F, L::F) {
        two_product(l, l.splat(self.alpha), v)
    }

    /// α < 0: `u = -α(x + α)` as `(u, du)`, with `x + α` exact too (it
    /// cancels at the edge of the domain, where `1 + u` nears 0).
    #[inline(always)]
    fn log_argument<L: Lanes>(&self, l: L, x: L::F) -> (L::F, L::F) {
        let a = l.splat(-self.alpha);
        let (t, dt) = two_sum(l, x, l.splat(self.alpha));
        let (u, du) = two_product(l, a, t);
        (u, l.mul_add(a, dt, du))
    }

    /// The lanes whose `u = -α(x + α)` passes [`HUGE_ARGUMENT`], for
    /// α < -1 and a vector that has one; `None` otherwise (for α >= -1,
    /// `u` stays below f32::MAX and the plain formulas hold).
    #[inline(always)]
    fn huge_lanes<L: Lanes>(&self, l: L, u: L::F) -> Option<L::M> {
        if self.alpha >= -1.0 {
            return None;
        }
        let huge = l.gt(u, l.splat(HUGE_ARGUMENT));
        l.any(huge).then_some(huge)
    }

    /// α < -1: where `u = -α(x + α)` passes 2^40 (and overflows near
    /// f32::MAX), `ln(1 + u) = ln(-α) + ln(x + α)` to far below an ULP:
    /// two positive terms, no cancellation, no overflow. `ln` elsewhere.
    #[inline(always)]
    fn beyond_overflow<L: Lanes>(&self, l: L, x: L::F, u: L::F, ln: L::F) -> L::F {
        let Some(huge) = self.huge_lanes(l, u) else {
            return ln;
        };
        let far = l.add(
            l.splat(self.constants.ln_minus_alpha),
            log(l, l.add(x, l.splat(self.alpha))),
        );
        l.select(huge, far, ln)
    }

    /// α < -1: where `u` passes 2^40 (`1 + u + du` overflows near
    /// f32::MAX), `dy/(1 + u + du) = dy/(-α(x + α))` to far below an ULP,
    /// in f64 (no overflow, and a denormal result rounds once), with
    /// `x + α` as an exact pair. `grad` elsewhere.
    #[inline(always)]
    fn gradient_beyond_overflow<L: Lanes>(
        &self,
        l: L,
        x: L::F,
        u: L::F,
        dy: L::F,
        grad: L::F,
    ) -> L::F {
        // A function, not a closure: see math::poly::pow2_of_int.
        #[inline(always)]
        fn quotient<L: Lanes>(l: L, a: f64, t: L::D, dt: L::D, dy: L::D) -> L::D {
            l.div_d(dy, l.mul_d(l.splat_d(a), l.add_d(t, dt)))
        }
        let Some(huge) = self.huge_lanes(l, u) else {
            return grad;
        };
        let (t, dt) = two_sum(l, x, l.splat(self.alpha));
        let ((t0, t1), (dt0, dt1), (d0, d1)) = (l.widen(t), l.widen(dt), l.widen(dy));
        let a = -(self.alpha as f64);
        let far = l.narrow(quotient(l, a, t0, dt0, d0), quotient(l, a, t1, dt1, d1));
        l.select(huge, far, grad)
    }

    /// 0 < α < 1: `x - x₀` (the distance to the root) as `(w, dw)`.
    #[inline(always)]
    fn distance_to_root<L: Lanes>(&self, l: L, x: L::F) -> (L::F, L::F) {
        let [k1, k2, k3] = self.constants.root_offset;
        // (x + α) + K/α: x + α is exact and cancels against K/α's leading
        // part near the root; the rest is summed from the exact errors.
        let (s, ds) = two_sum(l, x, l.splat(self.alpha));
        let (a, da) = two_sum(l, s, l.splat(k1));
        let rest = l.add(l.add(ds, l.splat(k2)), l.add(da, l.splat(k3)));
        two_sum(l, a, rest)
    }
}

/// α > 0: `f(0) = α` exactly (the formulas above may round it by an ULP).
#[inline(always)]
fn at_zero_exactly<L: Lanes>(l: L, x: L::F, alpha: L::F, y: L::F) -> L::F {
    l.select(l.eq(x, l.splat(0.0)), alpha, y)
}

impl Elementwise for SoftExponential {
    const INFO: Info = Info {
        name: "soft_exponential",
        aliases: &[],
        family: Family::Transcendental,
        forward: "α<0: -ln(1-α(x+α))/α; α=0: x; α>0: (e^(αx)-1)/α + α",
        backward: "α<0: dy/(1-α(α+x)); α=0: dy; α>0: dy·e^(αx)",
        params: &[Param::float(
            "alpha",
            0.0,
            "log (< 0), identity (0), exp (> 0)",
        )],
        from_output: FromOutput::When("alpha <= 0"),
        accuracy: Accuracy::ulps(4, 4),
        examples: &[
            "soft_exponential",
            "soft_exponential(alpha=-0.5)",
            "soft_exponential(alpha=-1)",
            "soft_exponential(alpha=-2)",
            "soft_exponential(alpha=0.7)",
            "soft_exponential(alpha=2)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        SoftExponential::unchecked(v[0].float())
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Float(self.alpha)
    }

    fn validate(&self) -> Result<(), Error> {
        check::<Self>(
            self.alpha.is_finite(),
            "alpha",
            self.alpha,
            "must be finite",
        )?;
        check::<Self>(
            self.alpha == 0.0 || self.alpha.abs() >= MIN_ALPHA,
            "alpha",
            self.alpha,
            "must be 0 or of magnitude at least 2^-56 (1.39e-17): below it 1/α nears the top \
             of the f32 range and α² falls into the denormals",
        )
    }

    fn check_backward_from_output(&self) -> Result<(), &'static str> {
        if self.alpha <= 0.0 {
            Ok(())
        } else {
            Err("with alpha > 0, y saturates at alpha - 1/alpha and no longer determines the gradient")
        }
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let alpha = l.splat(self.alpha);
        if self.alpha == 0.0 {
            return x;
        }
        if self.alpha < 0.0 {
            let (u, du) = self.log_argument(l, x);
            // ln(1 + u + du) = log1p(u) + du/(1 + u); 1 + u is exact where it
            // nears 0, and the sign of 1 + u + du decides the domain.
            let one_u = l.add(l.splat(1.0), u);
            let w = l.add(one_u, du);
            let ln = l.add(log1p(l, u), l.div(du, one_u));
            // Near the edge of the domain du need not be small next to
            // 1 + u (α = -1 and x -> 0: u = -1 and du = x), and the first
            // order above fails: there ln w itself, w rounded once.
            let ln = l.select(l.lt(w, l.splat(0.5)), log(l, w), ln);
            let ln = self.beyond_overflow(l, x, u, ln);
            let ln = l.select(l.eq(w, l.splat(0.0)), l.splat(f32::NEG_INFINITY), ln);
            let ln = l.select(l.lt(w, l.splat(0.0)), l.splat(f32::NAN), ln);
            return l.neg(l.div(ln, alpha));
        }
        let constants = &self.constants;
        if self.alpha >= 1.0 {
            // (e^(αx) + (α² - 1))/α: both terms >= 0, no cancellation.
            let (z, dz) = self.scaled(l, x);
            let (ph, pl, n) = exp_parts2_of_sum(l, z, dz);
            let pow2 = Pow2::new(l, n);
            let e = pow2.scale(l, l.div(ph, alpha));
            let e_lo = pow2.scale(l, l.div(pl, alpha));
            let (k_hi, k_lo) = constants.shift;
            let y = l.add(e, l.add(l.splat(k_hi), l.add(l.splat(k_lo), e_lo)));
            let y = l.select(l.eq(e, l.splat(f32::INFINITY)), e, y);
            return at_zero_exactly(l, x, alpha, y);
        }
        // 0 < α < 1: e^(αx) - (1 - α²) = (1 - α²)·expm1(α(x - x₀)), one
        // term with relative accuracy at the root.
        let (w, dw) = self.distance_to_root(l, x);
        let (u, du) = two_product(l, alpha, w);
        let du = l.mul_add(alpha, dw, du);
        let m = expm1(l, u);
        let corrected = l.mul_add(du, l.add(m, l.splat(1.0)), m);
        let m = l.select(l.eq(l.abs(m), l.splat(f32::INFINITY)), m, corrected);
        let moderate = times_pair(l, constants.scale, m);
        // Near the root expm1(αw)/α is w: (1 - α²)(w + dw), never through
        // αw, which underflows for small α.
        let (o_hi, o_lo) = constants.one_minus_square;
        let o_hi = l.splat(o_hi);
        let linear = l.mul_add(o_hi, w, l.mul_add(o_hi, dw, l.mul(l.splat(o_lo), w)));
        // Large αw: (1 - α²)/α·e^(αw) scaled last (finite wherever the
        // result is), computed only for vectors that have such a lane.
        let large = l.gt(u, l.splat(20.0));
        let y = if l.any(large) {
            let (ph, pl, n) = exp_parts2_of_sum(l, u, du);
            let big = scale_by_pow2(l, l.mul(l.add(ph, pl), l.splat(constants.scale.0)), n);
            l.select(large, big, moderate)
        } else {
            moderate
        };
        let y = l.select(l.lt(l.abs(u), l.splat(LINEAR_BELOW)), linear, y);
        at_zero_exactly(l, x, alpha, y)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        if self.alpha == 0.0 {
            return dy;
        }
        if self.alpha < 0.0 {
            let (u, du) = self.log_argument(l, x);
            // 1 + u is exact where it cancels (Sterbenz). Where the
            // logarithm's argument is negative the function is undefined.
            let w = l.add(l.add(l.splat(1.0), u), du);
            let grad = self.gradient_beyond_overflow(l, x, u, dy, l.div(dy, w));
            return l.select(l.lt(w, l.splat(0.0)), l.splat(f32::NAN), grad);
        }
        let (z, dz) = self.scaled(l, x);
        let (p, n) = exp_rounded_of_sum(l, z, dz);
        times_exp(l, dy, p, n)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        if self.alpha == 0.0 {
            return dy;
        }
        let (z, dz) = self.scaled(l, y);
        let (p, n) = exp_rounded_of_sum(l, z, dz);
        times_exp(l, dy, p, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_constant_matches_mpmath() {
        // (t, K = -ln(1 - t) - t as hi + lo from mpmath at 300 bits): the
        // series branch and the logarithm branch.
        let alpha = 0.9f32 as f64;
        let cases = [
            (
                2f64.powi(-20),
                4.547_476_400_072_503e-13,
                -3.350_029_298_299_947e-29,
            ),
            (
                alpha * alpha,
                0.850_731_023_866_790_2,
                1.945_436_385_920_665_3e-17,
            ),
        ];
        for (t, hi, lo) in cases {
            let k = root_constant(t);
            let err = ((k.hi - hi) + (k.lo - lo)).abs() / hi;
            assert!(err < 2f64.powi(-98), "K({t}): relative error {err:e}");
        }
    }
}
