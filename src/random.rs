//! The counter-based random generator of the stochastic activations
//! ([`crate::RreluTraining`], [`crate::NoisyReluTraining`]), exposed so
//! callers can reproduce or inspect the draws.
//!
//! Each draw is a pure function of `(seed, index)`: the 64-bit index's low
//! 32 bits are the counter and its high 32 bits select the round keys
//! `(k0, k1) = splitmix64(seed ^ (hi · 0x9E3779B97F4A7C15))`; the 32 bits
//! are `mix(mix(lo ^ k0) ^ k1)` with Wellons' `lowbias32` as `mix` (two
//! multiply-xorshift rounds, a bijection on 32-bit words). The kernels
//! compute it in the lanes (wrapping 32-bit multiplies and logical
//! shifts), so draws cost no memory traffic and never depend on threads,
//! chunking or backend: these functions run the very same code at width 1.
//!
//! Statistical quality: each key gives a permutation of the 2^32 counters
//! (no repeats within a block). `lowbias32` has a measured avalanche bias
//! of 0.107 (a random permutation scores about 0.02); two keyed rounds
//! remove the structure a single round leaves. The test suite checks, on
//! millions of draws, the uniform's mean, variance, range and a 1024-bin
//! chi-square, the correlation of neighbouring indices and of neighbouring
//! seeds, and the normal's mean, variance, kurtosis and tail frequencies.
//! It is not a cryptographic generator, and it has not been run through
//! TestU01 or PractRand.
//!
//! ```
//! use simd_activations::random;
//! let u = random::uniform(42, 7);
//! assert!((0.0..1.0).contains(&u));
//! assert_eq!(u, random::uniform(42, 7)); // a pure function
//! assert_ne!(random::bits(42, 7), random::bits(43, 7));
//! ```

use crate::kernels::math::random as lanes;
use crate::lanes::{LaneOp, Lanes, Scalar};

/// Runs `f` on the scalar backend's lanes (width 1).
pub(crate) fn with_scalar(f: impl FnOnce(Scalar) -> f32) -> f32 {
    struct Op<F>(F);
    impl<F: FnOnce(Scalar) -> f32> LaneOp for Op<F> {
        type Output = f32;
        fn run<L: Lanes>(self, _: L) -> f32 {
            (self.0)(Scalar::new())
        }
    }
    Scalar::new().vectorize(Op(f))
}

/// The 32 random bits of element `index` under `seed`.
pub fn bits(seed: u64, index: u64) -> u32 {
    let (k0, k1) = lanes::keys(seed, (index >> 32) as u32);
    let bits = with_scalar(|l| l.bits_as_float(lanes::bits(l, index as i32, k0, k1)));
    bits.to_bits()
}

/// The uniform draw of element `index`: the top 24 bits of [`bits`] as
/// `k·2^-24`, in `[0, 1)`.
pub fn uniform(seed: u64, index: u64) -> f32 {
    (bits(seed, index) >> 8) as f32 / 16_777_216.0
}

/// The standard normal draw of element `index` (inverse CDF of a 24-bit
/// uniform, sign from the lowest bit; `|z| <= 5.62`).
pub fn normal(seed: u64, index: u64) -> f32 {
    let (k0, k1) = lanes::keys(seed, (index >> 32) as u32);
    with_scalar(|l| lanes::normal(l, lanes::bits(l, index as i32, k0, k1)))
}
