//! The normal distribution, `erf` and `erfc` on lanes, with relative
//! accuracy in the tails (where `1 - erf` would cancel).
//!
//! Two forms of the tail. For f32 results (gelu's forward and backward),
//! [`normal_tail_times_t`] gives `T(t) = t·S(t)` and
//! [`normal_tail_minus_t_density`] `G(t) = S(t) - t/√(2π)` from piecewise
//! polynomials in f32, a permute per coefficient choosing each lane's piece
//! (one rational `S` by Horner's rule in f32 was off by up to 5.4·2^-24 in
//! an emulation: too much of a 4-ULP budget).
//!
//! For f64 work ([`erf`], [`erfc`]), the tail is
//! `Φ(-t) = e^(-t²/2)·S(t)` with `S` a rational minimax fit
//! (`P4/Q5` on [0, 14], relative error 5.8e-9 = 0.1·2^-24, positive
//! coefficients, `S(0) = 1/2` exactly) evaluated on the f64 lanes, where its many roundings do
//! not show; `t²` is split exactly (FMA) and `e^(-t²/2)` comes from
//! [`super::exp_dd`] (2^-25.5, a common factor), so a rounded argument cannot spoil the tail
//! (a relative error `δ` in `t` would cost `t²·δ` in `e^(-t²/2)`). Results
//! are formed in f64 and rounded once, so denormal results are right too.
//!
//! Accuracy of [`erf`] and [`erfc`] (measured over every f32 input of their
//! own range): within 1 ULP of the correctly rounded result. NaN propagates; `erfc(-inf) = 2`,
//! `erfc(+inf) = 0`.

use super::dd::{pass_nan, two_prod};
use super::exp_dd::exp_parts_sum;
use super::wide::{horner_d, pow2_wide, widen_sum, Wide};
use crate::kernel::prelude::*;

/// Numerator and denominator of `S(t) = Φ(-t)·e^(t²/2)` on [0, 14]
/// (`tools/polyfit.py normal_tail`; `S(0) = 1/2` exactly, so `Φ(0) = 1/2`).
const TAIL_P: [f64; 5] = [
    0.5,
    0.436_565_113_448_629_2,
    0.181_928_720_598_002_6,
    0.040_185_544_366_447_72,
    0.004_047_673_587_838_824,
];
const TAIL_Q: [f64; 6] = [
    1.0,
    1.671_015_053_154_807_6,
    1.197_130_861_032_966_8,
    0.466_015_163_135_303_3,
    0.100_737_164_468_928_7,
    0.010_145_881_467_667_861,
];

/// 2/√π·(-1)^k/(k!·(2k+1)): `erf z = z·Σ ERF_TAYLOR[k]·z^(2k)`; eight
/// terms reach 2e-11 relative for `|z| <= 1/2`.
const ERF_TAYLOR: [f64; 8] = [
    core::f64::consts::FRAC_2_SQRT_PI,
    -0.376_126_389_031_837_5,
    0.112_837_916_709_551_26,
    -0.026_866_170_645_131_25,
    0.005_223_977_625_442_188,
    -0.000_854_832_702_345_085_3,
    0.000_120_553_329_817_896_64,
    -0.000_014_925_650_358_406_25,
];

/// `T(t) = t·Φ(-t)·e^(t²/2)` on [0, 15] in eight pieces, each a degree-7
/// polynomial in `s = t - c` (`tools/polyfit.py gelu_tail`; within
/// 0.54·2^-24 relative with these f32 coefficients, most of it the rounding
/// of the constant terms). The first piece, [0, 0.5], has no constant term
/// (`T(0) = 0`), so its last Horner step is one rounded product and the
/// relative error stays bounded as `t -> 0`. Column `i` is piece `i`
/// (`TAIL_CENTER[i]`); `TAIL[k]` holds the coefficients of `s^k`.
#[rustfmt::skip]
const TAIL: [[f32; 8]; 8] = [
    [0.0, 0.22517435, 0.308671, 0.35332832, 0.37764257, 0.3886759, 0.3941891, 0.3966224],
    [0.5, 0.16990651, 0.070373744, 0.02729645, 0.0092117805, 0.0031809476, 0.0010201638, 0.00035081897],
    [-0.398942, -0.11005464, -0.03749103, -0.011492622, -0.0028763295, -0.0007237751, -0.00016240583, -3.957383e-5],
    [0.24998876, 0.057439227, 0.016441612, 0.0040704855, 0.0007710243, 0.00014336965, 2.2752596e-5, 3.9454712e-6],
    [-0.13283347, -0.025843203, -0.0063281273, -0.0012949839, -0.00018697967, -2.5521083e-5, -2.9752036e-6, -3.6315885e-7],
    [0.061600372, 0.01051314, 0.0022080704, 0.0003731533, 4.2534975e-5, 4.4895714e-6, 3.638081e-7, 3.2539567e-8],
    [-0.023744002, -0.0046623964, -0.00074122695, -8.261525e-5, -1.0084293e-5, -1.1632484e-6, -4.3302727e-8, -3.5058367e-9],
    [0.0056833434, 0.0008770059, 0.00022785866, 2.8803313e-5, 1.999845e-6, 1.19163246e-7, 5.5802847e-9, 2.4688518e-10],
];
/// The centers `c` of the pieces ([0, 0.5], [0.5, 1], [1, 2], [2, 3],
/// [3, 5], [5, 7], [7, 11], [11, 15]): `t - c` is exact on each (Sterbenz).
const TAIL_CENTER: [f32; 8] = [0.0, 0.75, 1.5, 2.5, 4.0, 6.0, 9.0, 13.0];

/// `table` laid out for [`Lanes::lookup8`] by the raw `k` of the piece
/// `k - offset` (lookup8 reads `k`'s low three bits): entry `i` moves to
/// `(i + offset) mod 8`, which saves subtracting `offset` on every lane.
const fn by_raw_index(table: [f32; 8], offset: usize) -> [f32; 8] {
    let mut out = [0.0; 8];
    let mut i = 0;
    while i < 8 {
        out[(i + offset) % 8] = table[i];
        i += 1;
    }
    out
}

/// Every row of `table` laid out by [`by_raw_index`].
const fn rows_by_raw_index<const R: usize>(table: [[f32; 8]; R], offset: usize) -> [[f32; 8]; R] {
    let mut out = [[0.0; 8]; R];
    let mut k = 0;
    while k < R {
        out[k] = by_raw_index(table[k], offset);
        k += 1;
    }
    out
}

/// [`TAIL`] and [`TAIL_CENTER`] laid out for the index `bits(t + 1) >> 22`:
/// 1 is exponent 127 with mantissa 0.0b, so piece 0 is `127 << 1 | 0 =
/// 254`.
const TAIL_OFFSET: usize = 254;
const TAIL_BY_BITS: [[f32; 8]; 8] = rows_by_raw_index(TAIL, TAIL_OFFSET);
const TAIL_CENTER_BY_BITS: [f32; 8] = by_raw_index(TAIL_CENTER, TAIL_OFFSET);

/// `t·Φ(-t)·e^(t²/2)` for `t` in [0, 15] (callers clamp; NaN gives NaN),
/// within about 1.3·2^-24 relative: the fit, and the rounding of Horner's
/// rule in f32, whose constant term dominates on every piece. The pieces
/// are the binades of `t + 1` halved ([1, 1.5), [1.5, 2), [2, 3), ...,
/// [12, 16)): the exponent and first mantissa bit of `t + 1` index a table
/// of eight coefficients per power (one permute each).
#[inline(always)]
pub fn normal_tail_times_t<L: Lanes>(l: L, t: L::F) -> L::F {
    let piece = l.shr_u::<22>(l.to_bits(l.add(t, l.splat(1.0))));
    let s = l.sub(t, l.lookup8(&TAIL_CENTER_BY_BITS, piece));
    let mut p = l.lookup8(&TAIL_BY_BITS[7], piece);
    for c in TAIL_BY_BITS[..7].iter().rev() {
        p = l.mul_add(p, s, l.lookup8(c, piece));
    }
    p
}

/// `G(t) = Φ(-t)·e^(t²/2) - t/√(2π)` on [0, 19.75] in eight pieces, each a
/// degree-8 polynomial in `s = t - c` (`tools/polyfit.py gelu_grad_tail`),
/// laid out as [`TAIL`]: `gelu'(-t) = e^(-t²/2)·G(t)`. The second piece,
/// [0.5, 1.5], holds `G(t)/(t - t0)` instead, `t0 = 0.7518` G's root (the
/// minimum of gelu), so the product keeps relative accuracy through it.
/// Entry 7 is [14.5, 19.75].
#[rustfmt::skip]
const GRAD: [[f32; 8]; 9] = [
    [0.5, -0.55342185, -0.62978256, -1.2899529, -2.1238399, -3.3446994, -4.9550633, -6.758632],
    [-0.7978846, 0.0689564, -0.46168056, -0.42567652, -0.41099975, -0.4042492, -0.40144798, -0.40030864],
    [0.25000104, -0.02759155, 0.021312471, 0.0063889883, 0.0020135327, 0.0006009537, 0.00019497561, 8.058841e-05],
    [-0.13299714, 0.010108395, -0.006704251, -0.001458955, -0.000328031, -6.716067e-05, -1.5446358e-05, -4.5590273e-06],
    [0.06262228, -0.0035001622, 0.0019807527, 0.00031408557, 5.1255705e-05, 7.050825e-06, 3.340966e-06, -4.4122814e-07],
    [-0.027080487, 0.0011017825, -0.00055011787, -6.838185e-05, -8.238199e-06, -8.2171573e-07, -1.7996445e-08, -4.0447173e-08],
    [0.011437517, 5.7494584e-05, 0.00011754913, 2.2710792e-05, 2.7426438e-06, 2.2896924e-07, -8.181218e-07, 1.5707589e-07],
    [-0.0047853533, 8.230174e-05, -3.9257586e-05, -2.3431785e-06, -1.18336004e-07, -7.570304e-09, -1.5184042e-08, 2.6374918e-09],
    [0.0013863033, -0.000789056, 6.237957e-05, -3.515145e-06, -6.837299e-07, -1.5664215e-08, 9.9220884e-08, -1.0781878e-08],
];
/// The centers of [`GRAD`]'s pieces ([0, 0.5], [0.5, 1.5], [1.5, 2.5],
/// [2.5, 4.5], [4.5, 6.5], [6.5, 10.5], [10.5, 14.5], [14.5, 19.75]): `t -
/// c` is exact on each (Sterbenz).
const GRAD_CENTER: [f32; 8] = [0.0, 1.0, 2.0, 3.5, 5.5, 8.5, 12.5, 17.0];
/// G's root `t0 = GRAD_ROOT_HI + GRAD_ROOT_LO` (`-x0` of the root of gelu'
/// near x = -0.75): `t - GRAD_ROOT_HI` is exact on [0.5, 1.5] (Sterbenz).
const GRAD_ROOT_HI: f32 = 0.751_791_54;
const GRAD_ROOT_LO: f32 = -1.211_445e-8;

/// `G(t) = Φ(-t)·e^(t²/2) - t/√(2π)`, so that `gelu'(-t) = e^(-t²/2)·G(t)`
/// and `gelu'(t) = 1 - e^(-t²/2)·G(t)`, for `t` in [0, 19.75] (callers
/// clamp: beyond it `e^(-t²/2)·G` is below 2^-280, too small for any f32
/// gradient to lift to 2^-150). Relative error about 1.8·2^-24 (the fit,
/// Horner's last step and the final rounding), also about its root: there
/// the second piece's `G/(t - t0)` is multiplied by the difference, formed
/// exactly. The pieces are the binades of `t + 1.5` halved ([1.5, 2),
/// [2, 3), ..., [12, 16), [16, 24)).
#[inline(always)]
pub fn normal_tail_minus_t_density<L: Lanes>(l: L, t: L::F) -> L::F {
    let shifted = l.add(t, l.splat(1.5));
    let piece = l.sub_i(l.shr_u::<22>(l.to_bits(shifted)), l.splat_i(255));
    let s = l.sub(t, l.lookup8(&GRAD_CENTER, piece));
    let mut p = l.lookup8(&GRAD[8], piece);
    for c in GRAD[..8].iter().rev() {
        p = l.mul_add(p, s, l.lookup8(c, piece));
    }
    // The second piece ([2, 3) for the same rounded t + 1.5) holds G/(t - t0):
    // p·(t - t0) = p·(t - GRAD_ROOT_HI) - p·GRAD_ROOT_LO, rounded once.
    let second = l.and_mask(l.ge(shifted, l.splat(2.0)), l.lt(shifted, l.splat(3.0)));
    let d = l.select(second, l.sub(t, l.splat(GRAD_ROOT_HI)), l.splat(1.0));
    let d_lo = l.select(second, l.splat(-GRAD_ROOT_LO), l.splat(0.0));
    l.mul_add(p, d, l.mul(p, d_lo))
}

/// `S(t) = Φ(-t)·e^(t²/2)` for `t` in [0, 30] (the fit covers [0, 14],
/// where every caller's result is still above 2^-150; it stays smooth and
/// positive beyond). `S(0) = 1/2`, `S(t) ≈ 1/(t·√(2π))` for large `t`.
#[inline(always)]
pub fn normal_tail_ratio<L: Lanes>(l: L, t: L::D) -> L::D {
    l.div_d(horner_d(l, t, &TAIL_P), horner_d(l, t, &TAIL_Q))
}

/// `e^(ah + al)` as f64 halves for a (negative) pair argument.
#[inline(always)]
fn gauss_wide<L: Lanes>(l: L, ah: L::F, al: L::F) -> Wide<L> {
    let (eh, el, n) = exp_parts_sum(l, ah, al);
    let (e0, e1) = widen_sum(l, eh, el);
    let (s0, s1) = pow2_wide(l, n);
    (l.mul_d(e0, s0), l.mul_d(e1, s1))
}

/// `erfc z`, with relative accuracy in both tails: `2·e^(-z²)·S(|z|·√2)`
/// for `z >= 0`, 2 minus that below.
#[inline(always)]
pub fn erfc<L: Lanes>(l: L, z: L::F) -> L::F {
    let (e0, e1) = erfc_wide(l, z);
    pass_nan(l, z, l.narrow(e0, e1))
}

/// `erfc z` as f64 halves (before the final rounding).
#[inline(always)]
fn erfc_wide<L: Lanes>(l: L, z: L::F) -> Wide<L> {
    let (sh, sl) = two_prod(l, z, z);
    let (e0, e1) = gauss_wide(l, l.neg(sh), l.neg(sl));
    // erfc underflows beyond 10.1; the clamp keeps S finite.
    let (t0, t1) = l.widen(l.min(l.splat(20.0), l.abs(z)));
    let m = l.select(l.lt(z, l.splat(0.0)), l.splat(1.0), l.splat(0.0));
    let (m0, m1) = l.widen(m);
    (erfc_d(l, e0, t0, m0), erfc_d(l, e1, t1, m1))
}

/// One f64 half of [`erfc_wide`]: `e = e^(-z²)`, `t = |z|`, `m` = 1 where
/// `z < 0`.
#[inline(always)]
fn erfc_d<L: Lanes>(l: L, e: L::D, t: L::D, m: L::D) -> L::D {
    let s = normal_tail_ratio(l, l.mul_d(t, l.splat_d(core::f64::consts::SQRT_2)));
    let tail = l.mul_d(e, s);
    // z >= 0: 2·tail; z < 0: 2 - 2·tail.
    let sign = l.sub_d(l.splat_d(1.0), l.add_d(m, m));
    l.mul_d(l.splat_d(2.0), l.add_d(m, l.mul_d(tail, sign)))
}

/// `erf z`: a Taylor polynomial for `|z| < 1/2`, `±(1 - erfc|z|)` beyond.
#[inline(always)]
pub fn erf<L: Lanes>(l: L, z: L::F) -> L::F {
    let az = l.abs(z);
    let (c0, c1) = erfc_wide(l, az);
    let (z0, z1) = l.widen(z);
    let one = l.splat_d(1.0);
    let big = l.narrow(l.sub_d(one, c0), l.sub_d(one, c1));
    let small = l.narrow(
        l.mul_d(z0, horner_d(l, l.mul_d(z0, z0), &ERF_TAYLOR)),
        l.mul_d(z1, horner_d(l, l.mul_d(z1, z1), &ERF_TAYLOR)),
    );
    let y = l.select(
        l.lt(az, l.splat(0.5)),
        small,
        super::tanh::with_sign_of(l, big, z),
    );
    pass_nan(l, z, y)
}
