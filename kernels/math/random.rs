//! The counter-based generator of rrelu and noisy_relu, on lanes.
//!
//! The draw for element `i` of a call with seed `s` is a pure function of
//! `(s, i)`: 32 bits `h = mix(mix(i_lo ^ k0) ^ k1)`, where `i_lo` is the
//! low 32 bits of the index, `(k0, k1)` the two halves of
//! `splitmix64(s ^ (i_hi · φ))` (so the high bits of the index select an
//! independent key), and `mix` Wellons' `lowbias32` integer hash (xor-shift
//! 16, multiply by `0x21f0aaad`, xor-shift 15, multiply by `0x735a2d97`,
//! xor-shift 15; a bijection of 32-bit words with avalanche bias 0.107).
//! Two keyed rounds give a keyed permutation of the counters. No state, so
//! the same seed gives the same bits for any thread count, chunking or
//! backend, and a backward pass regenerates the draws instead of storing
//! them. It is a statistical generator for noise, not a cryptographic one.
//!
//! * [`uniform`]: the top 24 bits as `k·2^-24`, uniform on
//!   `{0, 2^-24, ..., 1 - 2^-24}`.
//! * [`normal`]: a standard normal by inverting its CDF: sign from bit 0, a
//!   24-bit uniform `v` in (0, 1), `z = ±√2·erfinv(1 - v)` with Giles'
//!   single-precision erfinv ("Approximating the erfinv function", GPU
//!   Computing Gems, 2011; relative error below 1e-7 for |z| < 5.3, 1e-6 at
//!   the extreme). `|z| <= 5.62`: the tails beyond (probability 2e-8) are
//!   cut.

use super::log1p::ln;
use super::poly::horner;
use crate::kernel::prelude::*;

/// The golden-ratio increment of splitmix64.
const PHI: u64 = 0x9E37_79B9_7F4A_7C15;

/// splitmix64's output function.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(PHI);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The two 32-bit round keys for `seed` and the high half `block` of the
/// element indices.
pub fn keys(seed: u64, block: u32) -> (u32, u32) {
    let k = splitmix64(seed ^ (block as u64).wrapping_mul(PHI));
    (k as u32, (k >> 32) as u32)
}

/// `lowbias32` on lanes.
#[inline(always)]
fn mix<L: Lanes>(l: L, x: L::I) -> L::I {
    let x = l.xor_i(x, l.shr_u::<16>(x));
    let x = l.mul_i(x, l.splat_i(0x21f0_aaad));
    let x = l.xor_i(x, l.shr_u::<15>(x));
    let x = l.mul_i(x, l.splat_i(0x735a_2d97u32 as i32));
    l.xor_i(x, l.shr_u::<15>(x))
}

/// The 32 random bits for counters `ctr` (low halves of the indices) under
/// the keys `(k0, k1)` of [`keys`].
#[inline(always)]
pub fn bits<L: Lanes>(l: L, ctr: L::I, k0: u32, k1: u32) -> L::I {
    let h = mix(l, l.xor_i(ctr, l.splat_i(k0 as i32)));
    mix(l, l.xor_i(h, l.splat_i(k1 as i32)))
}

/// Lane indices as floats.
const IOTA: [f32; 16] = [
    0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0,
];

/// The counters `start, start + 1, ..., start + WIDTH - 1` (wrapping).
#[inline(always)]
pub fn counters<L: Lanes>(l: L, start: u32) -> L::I {
    l.add_i(l.splat_i(start as i32), l.to_int(l.load(&IOTA[..L::WIDTH])))
}

/// Uniform on `[0, 1)` from the top 24 bits: `k·2^-24`.
#[inline(always)]
pub fn uniform<L: Lanes>(l: L, h: L::I) -> L::F {
    l.mul(l.to_float(l.shr_u::<8>(h)), l.splat(1.0 / 16_777_216.0))
}

/// Giles' erfinv: `w < 5`, polynomial in `w - 2.5`.
const CENTRAL: [f32; 9] = [
    1.501_409_4,
    0.246_640_73,
    -0.004_177_681_6,
    -0.001_253_725,
    0.000_218_580_87,
    -4.391_506_5e-6,
    -3.523_387_7e-6,
    3.432_739_4e-7,
    2.810_226_4e-8,
];

/// Giles' erfinv: `w >= 5`, polynomial in `√w - 3`.
const TAIL: [f32; 9] = [
    2.832_976_8,
    1.001_674,
    0.009_438_870_5,
    -0.007_622_461_3,
    0.005_739_507_7,
    -0.003_673_428_4,
    0.001_349_343_2,
    0.000_100_950_56,
    -0.000_200_214_26,
];

/// A standard normal draw from 32 random bits (see the module docs).
#[inline(always)]
pub fn normal<L: Lanes>(l: L, h: L::I) -> L::F {
    let one = l.splat(1.0);
    // v = (k + 1/2)·2^-24 in (0, 1); |x| = 1 - v, (1-x)(1+x) = v(2-v).
    let v = l.mul_add(
        l.to_float(l.shr_u::<8>(h)),
        l.splat(1.0 / 16_777_216.0),
        l.splat(1.0 / 33_554_432.0),
    );
    let w = l.neg(ln(l, l.mul(v, l.sub(l.splat(2.0), v))));
    let mut p = horner(l, l.sub(w, l.splat(2.5)), &CENTRAL);
    let tail = l.ge(w, l.splat(5.0));
    if l.any(tail) {
        let q = horner(l, l.sub(l.sqrt(w), l.splat(3.0)), &TAIL);
        p = l.select(tail, q, p);
    }
    let z = l.mul(l.mul(p, l.sub(one, v)), l.splat(core::f32::consts::SQRT_2));
    // Bit 0 is the sign.
    l.bits_as_float(l.xor_i(l.to_bits(z), l.shl_i::<31>(h)))
}
