//! `isru`: x/√(1 + αx²).

use crate::kernel::prelude::*;

/// Inverse square root unit `x/√(1 + αx²)`, bounded by `±1/√α`.
///
/// `x` is scaled by a power of two `2^-k` to `x'` in [1, 4) (left alone
/// below 1), so that `x/√(1 + αx²) = x'/√(αx'² + 2^-2k)`: one square root
/// and one division, and nothing overflows. For `α` outside [2^-60, 2^60]
/// it is computed in f64 instead (slower, as accurate). Backward
/// `dy·(1/√(1 + αx²))³`; from the output `dy·(1 - αy²)^(3/2)` with
/// `1 - αy²` from an exact product (it cancels where `y` nears its bound).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Isru {
    /// Sets the bound `±1/√alpha`; finite and positive.
    pub alpha: f32,
}

impl Default for Isru {
    fn default() -> Self {
        Isru { alpha: 1.0 }
    }
}

/// Validates ISRU-style `alpha` for kernel `K`.
pub(crate) fn check_alpha<K: Kernel>(alpha: f32) -> Result<(), Error> {
    check::<K>(
        alpha.is_finite() && alpha > 0.0,
        "alpha",
        alpha,
        "must be finite and positive",
    )
}

/// The `alpha` range of [`scaled_denominator`]: from `2^-60` (where
/// `α·x` is normal and the dropped part of `2^-2k` is far below `αx²`'s
/// rounding) to `2^60` (where `α·x'²` stays finite for `|x'|` below 4).
const SCALED_ALPHA: (f32, f32) = (f32::from_bits(67 << 23), f32::from_bits(187 << 23));

/// `2^-k` for `|x|` in [2^k, 2^(k+1)) with `k >= 0`, 1 for `|x| < 1`, and
/// 2^-126 at the top binade, ±inf and NaN: scaling `x` by it is exact and
/// leaves `|x'|` in [1, 4) for `|x| >= 1`.
#[inline(always)]
fn power_scale<L: Lanes>(l: L, x: L::F) -> L::F {
    // (254 - e) << 23 from the exponent field e: 2^(127 - e), a normal
    // power of two for e in [127, 253]; 0 for e = 254 and -inf for 255,
    // which the max lifts to 2^-126.
    let exponent = l.and_i(l.to_bits(x), l.splat_i(0x7F80_0000));
    let scale = l.bits_as_float(l.sub_i(l.splat_i(0x7F00_0000), exponent));
    l.min(l.splat(1.0), l.max(l.splat(f32::MIN_POSITIVE), scale))
}

/// `d = αx'² + s²` for `x' = x·s` and `s` from [`power_scale`], so that
/// `1 + αx² = d/s²`: one square root then serves every `x` (no branch at
/// `|x| = 1`) and nothing overflows, for `α` in [`SCALED_ALPHA`]. `s²`
/// is exact down to 2^-149; below 2^-128 it is far under an ULP of
/// `αx'² >= α >= 2^-60`, so its underflow does not matter.
#[inline(always)]
fn scaled_denominator<L: Lanes>(l: L, alpha: f32, xs: L::F, scale: L::F) -> L::F {
    l.mul_add(l.mul(l.splat(alpha), xs), xs, l.mul(scale, scale))
}

/// `x/√(1 + αx²)`.
#[inline(always)]
pub(crate) fn isru<L: Lanes>(l: L, alpha: f32, x: L::F) -> L::F {
    if !scaled_alpha(alpha) {
        return wide_alpha_forward(l, alpha, x);
    }
    // x/√(1 + αx²) = x'/√d. |x| is capped at 2^100, where αx² >= 2^140 and
    // the result is ±1/√α to far below an ULP: the cap also takes ±inf
    // there (inf/inf would be NaN). min and max keep a NaN x (their second
    // operand).
    let cap = l.splat(f32::from_bits(227 << 23));
    let xc = l.min(cap, l.max(l.neg(cap), x));
    let scale = power_scale(l, xc);
    let xs = l.mul(xc, scale);
    l.div(xs, l.sqrt(scaled_denominator(l, alpha, xs, scale)))
}

/// Whether `alpha` is in [`SCALED_ALPHA`], where the f32 paths hold.
#[inline(always)]
fn scaled_alpha(alpha: f32) -> bool {
    (SCALED_ALPHA.0..=SCALED_ALPHA.1).contains(&alpha)
}

/// [`isru`] for `α` outside [`SCALED_ALPHA`], in f64: `αx²` is finite
/// there for every f32 `x` (at most 2^384), so the quotient is good to
/// about 2^-52 before its one rounding to f32. `|x|` is capped at
/// f32::MAX, which maps ±inf to ±1/√α (to 2^-100 relative, as
/// `αx² >= 2^105` there). Slower than the f32 path; such an `α` is far
/// outside practical use, but still gets the accuracy bound.
#[inline(always)]
fn wide_alpha_forward<L: Lanes>(l: L, alpha: f32, x: L::F) -> L::F {
    // A function, not a closure: see math::poly::pow2_of_int.
    #[inline(always)]
    fn quotient<L: Lanes>(l: L, alpha: f32, x: L::D) -> L::D {
        l.div_d(x, l.sqrt_d(one_plus_alpha_square_d(l, alpha, x)))
    }
    let cap = l.splat(f32::MAX);
    let (lo, hi) = l.widen(l.min(cap, l.max(l.neg(cap), x)));
    l.narrow(quotient(l, alpha, lo), quotient(l, alpha, hi))
}

/// `1 + αx²` on f64 lanes (at most 2^384 for any f32 `x` and `α`).
#[inline(always)]
fn one_plus_alpha_square_d<L: Lanes>(l: L, alpha: f32, x: L::D) -> L::D {
    l.mul_add_d(l.mul_d(l.splat_d(alpha as f64), x), x, l.splat_d(1.0))
}

/// `dy·(1/√(1 + αx²))³`: `r = 1/√(1 + αx²)` to about 2 ULP in f32 (as in
/// [`isru`]), one Newton step in f64 (`t = 1 + αx²` is exact there), and
/// `dy·r³` rounded once; for `α` outside [`SCALED_ALPHA`], `r` directly
/// in f64.
#[inline(always)]
pub(crate) fn isru_backward<L: Lanes>(l: L, alpha: f32, x: L::F, dy: L::F) -> L::F {
    // Functions, not closures: see math::poly::pow2_of_int.
    #[inline(always)]
    fn refine<L: Lanes>(l: L, alpha: f32, x: L::D, r: L::D, dy: L::D) -> L::D {
        let t = l.add_d(
            l.mul_d(l.mul_d(l.splat_d(alpha as f64), x), x),
            l.splat_d(1.0),
        );
        let half_t_r2 = l.mul_d(l.mul_d(l.splat_d(0.5), t), l.mul_d(r, r));
        let r = l.mul_d(r, l.sub_d(l.splat_d(1.5), half_t_r2));
        l.mul_d(dy, l.mul_d(r, l.mul_d(r, r)))
    }
    #[inline(always)]
    fn direct<L: Lanes>(l: L, alpha: f32, x: L::D, dy: L::D) -> L::D {
        let t = one_plus_alpha_square_d(l, alpha, x);
        let r = l.div_d(l.splat_d(1.0), l.sqrt_d(t));
        l.mul_d(dy, l.mul_d(r, l.mul_d(r, r)))
    }
    let ((x_lo, x_hi), (dy_lo, dy_hi)) = (l.widen(x), l.widen(dy));
    let grad = if scaled_alpha(alpha) {
        // 1/√(1 + αx²) = s/√d (0 at ±inf, NaN for NaN).
        let scale = power_scale(l, x);
        let d = scaled_denominator(l, alpha, l.mul(x, scale), scale);
        let (r_lo, r_hi) = l.widen(l.div(scale, l.sqrt(d)));
        l.narrow(
            refine(l, alpha, x_lo, r_lo, dy_lo),
            refine(l, alpha, x_hi, r_hi, dy_hi),
        )
    } else {
        l.narrow(direct(l, alpha, x_lo, dy_lo), direct(l, alpha, x_hi, dy_hi))
    };
    // ±inf: r = 0 and t = inf give NaN in the step; the limit is 0.
    l.select(
        l.eq(l.abs(x), l.splat(f32::INFINITY)),
        l.mul(dy, l.splat(0.0)),
        grad,
    )
}

/// `dy·(1 - αy²)^(3/2)`.
#[inline(always)]
pub(crate) fn isru_backward_from_output<L: Lanes>(l: L, alpha: f32, y: L::F, dy: L::F) -> L::F {
    let a = l.splat(alpha);
    // αy = h + dh exactly; 1 - αy² = (1 - h·y) - dh·y.
    let h = l.mul(a, y);
    let dh = l.mul_add(a, y, l.neg(h));
    let c = l.sub(l.mul_add(l.neg(h), y, l.splat(1.0)), l.mul(dh, y));
    l.mul(l.mul(dy, c), l.sqrt(c))
}

impl Elementwise for Isru {
    const INFO: Info = Info {
        name: "isru",
        aliases: &[],
        family: Family::Transcendental,
        forward: "x/√(1 + αx²)",
        backward: "dy·(1/√(1 + αx²))³; from y: dy·(1 - αy²)^(3/2)",
        params: &[Param::float("alpha", 1.0, "bound is 1/√alpha (positive)")],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(2, 4),
        examples: &[
            "isru",
            "isru(alpha=0.25)",
            "isru(alpha=3)",
            "isru(alpha=1e-30)",
            "isru(alpha=1e30)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Isru {
            alpha: v[0].float(),
        }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Float(self.alpha)
    }

    fn validate(&self) -> Result<(), Error> {
        check_alpha::<Self>(self.alpha)
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        isru(l, self.alpha, x)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        isru_backward(l, self.alpha, x, dy)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        isru_backward_from_output(l, self.alpha, y, dy)
    }
}
