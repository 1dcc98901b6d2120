//! `sinc`: sin(x)/x (unnormalized).

use super::math::trig::{
    cos_poly, from_quadrant, reduce, reduce_f64, reduce_fast_f64, sin_cos_tails_f64, sin_poly,
    sinc_poly, FAST_LIMIT,
};
use crate::kernel::prelude::*;

/// The unnormalized sinc, `sin(x)/x` with `sinc(0) = 1`.
///
/// Forward: `1 + x²·S(x²)` (the sine polynomial divided by x) for
/// `|x| < 0.78`, else `sin(x)/x` with the sine of [`super::math::trig`];
/// `sinc(±inf) = 0`. Within 4 ULP for every f32 (2 measured on the
/// stratified sample, 3 at some f32 nearest a multiple of π near 8e4, where
/// the sine's last-bit error is magnified by the quotient's mantissa).
///
/// Backward `dy·(x cos x - sin x)/x²`. The numerator has a root at each
/// solution of `tan x = x` (4.493, 7.725, ...); f32 inputs come within
/// 1.8e-7 of them, where `x cos x` and `sin x` agree to 2^-20 of their
/// size, and the first roots need `sin` and `cos` to about 2^-41: so this
/// pass runs in f64 lanes (half the vector width). With `x = n·π/2 + r` (f64 reduction), `S = (sin r - r)/r³`,
/// `C = (cos r - 1)/r²`:
/// `x cos x - sin x = (a + b·r) + r²·(a·C + b·r·S)`, where
/// `(a, b) = ±(x, -1)` in even quadrants and `±(1, x)` in odd ones. Near 0,
/// `a + b·r = x - x` vanishes exactly and `x³(C - S) ≈ -x³/3` is left, with
/// no cancellation (no series needed); near the other roots the cancelling
/// `1 + x·r` is rounded once in f64. Within 4 ULP for every f32 (1
/// measured, also at the f32 inputs nearest the first roots). (An f32
/// version, double-float sums with relatively accurate `S` and `C` and the
/// f64 path only for the lanes next to a root, was as accurate but no
/// faster: about as many instructions per vector.)
/// `sinc'(0) = 0` and `sinc'(±inf) = 0` (times dy).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sinc;

impl Elementwise for Sinc {
    const INFO: Info = Info {
        name: "sinc",
        aliases: &[],
        family: Family::Transcendental,
        forward: "x == 0 ? 1 : sin(x)/x",
        backward: "x == 0 ? 0 : dy·(cos(x)/x - sin(x)/x²)",
        params: &[],
        from_output: FromOutput::Never(
            "sinc is not invertible: y = sinc x does not determine x or its derivative",
        ),
        accuracy: Accuracy::ulps(4, 4),
        examples: &["sinc"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Sinc
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("sinc has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let red = reduce(l, x);
        let z = l.mul(red.r, red.r);
        let (sin_x, _) = from_quadrant(l, red.n, sin_poly(l, red.r, z), cos_poly(l, z));
        // Below 0.78, n = 0 and r = x.
        let small = l.lt(l.abs(x), l.splat(0.78));
        let y = l.select(small, sinc_poly(l, z), l.div(sin_x, x));
        l.select(l.eq(l.abs(x), l.splat(f32::INFINITY)), l.splat(0.0), y)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        // The quadrant estimate is all the f64 reduction needs below 2^17;
        // the full f32 reduction (and its slow path) only where some lane
        // is beyond.
        let fast = l.lt(l.abs(x), l.splat(FAST_LIMIT));
        let (n, (r0, r1)) = if l.any(l.ge(l.abs(x), l.splat(FAST_LIMIT))) {
            let red = reduce(l, x);
            (red.n, reduce_f64(l, x, &red))
        } else {
            let n = l.round(l.mul(x, l.splat(core::f32::consts::FRAC_2_PI)));
            // NaN lanes: n = 0, the same quadrant on every backend.
            let n = l.select(fast, n, l.splat(0.0));
            (n, reduce_fast_f64(l, x, n))
        };
        let n = l.to_int(n);
        let odd = l.lt(
            l.bits_as_float(l.or_i(l.shl_i::<31>(n), l.splat_i(0x3F80_0000))),
            l.splat(0.0),
        );
        // x cos x - sin x = σ·(even ? x·cos r - sin r : x·sin r + cos r),
        // σ negative in quadrants 1 and 2 (bit 1 of n + 1).
        let sigma = l.shl_i::<31>(l.shr_i::<1>(l.add_i(n, l.splat_i(1))));
        let a = l.select(odd, l.splat(1.0), x);
        let b = l.select(odd, x, l.splat(-1.0));
        let (a0, a1) = l.widen(l.bits_as_float(l.xor_i(l.to_bits(a), sigma)));
        let (b0, b1) = l.widen(l.bits_as_float(l.xor_i(l.to_bits(b), sigma)));
        let (x0, x1) = l.widen(x);
        let (d0, d1) = l.widen(dy);
        let dx = l.narrow(
            slope_f64(l, r0, a0, b0, x0, d0),
            slope_f64(l, r1, a1, b1, x1, d1),
        );
        // x = 0 (0/0 above) and x = ±inf: the derivative is 0.
        let zero_slope = l.or_mask(
            l.eq(x, l.splat(0.0)),
            l.eq(l.abs(x), l.splat(f32::INFINITY)),
        );
        l.select(zero_slope, l.mul(dy, l.splat(0.0)), dx)
    }
}

/// `dy·g/x²` in f64 lanes with `g = (a + b·r) + r²·(a·C + b·r·S)`,
/// `S = (sin r - r)/r³` and `C = (cos r - 1)/r²`.
#[inline(always)]
fn slope_f64<L: Lanes>(l: L, r: L::D, a: L::D, b: L::D, x: L::D, dy: L::D) -> L::D {
    // 1/x² first: the division then runs beside the polynomials (its
    // rounding, 2^-53, does not show in the f32 result).
    let inv = l.div_d(l.splat_d(1.0), l.mul_d(x, x));
    let z = l.mul_d(r, r);
    let (s, c) = sin_cos_tails_f64(l, z);
    let br = l.mul_d(b, r);
    let tail = l.add_d(l.mul_d(a, c), l.mul_d(br, s));
    let g = l.add_d(l.add_d(a, br), l.mul_d(z, tail));
    l.mul_d(l.mul_d(dy, g), inv)
}
