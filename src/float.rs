//! The few float operations `core` lacks: with `std` they are the inherent
//! methods (one instruction where the target has it), without it libm's
//! pure-Rust versions. fma, sqrt and rint are correctly rounded either way,
//! so the bits agree; ln_1p (used only on a parameter and on per-row
//! sums, in f64) may differ in the last f64 bit between the two builds.

/// `a * b + c` with one rounding.
#[inline(always)]
pub(crate) fn fma_f32(a: f32, b: f32, c: f32) -> f32 {
    #[cfg(feature = "std")]
    {
        a.mul_add(b, c)
    }
    #[cfg(not(feature = "std"))]
    {
        libm::fmaf(a, b, c)
    }
}

/// `a * b + c` with one rounding, in f64.
#[inline(always)]
pub(crate) fn fma_f64(a: f64, b: f64, c: f64) -> f64 {
    #[cfg(feature = "std")]
    {
        a.mul_add(b, c)
    }
    #[cfg(not(feature = "std"))]
    {
        libm::fma(a, b, c)
    }
}

/// The correctly rounded square root.
#[inline(always)]
pub(crate) fn sqrt_f32(a: f32) -> f32 {
    #[cfg(feature = "std")]
    {
        a.sqrt()
    }
    #[cfg(not(feature = "std"))]
    {
        libm::sqrtf(a)
    }
}

/// The correctly rounded square root, in f64.
#[inline(always)]
pub(crate) fn sqrt_f64(a: f64) -> f64 {
    #[cfg(feature = "std")]
    {
        a.sqrt()
    }
    #[cfg(not(feature = "std"))]
    {
        libm::sqrt(a)
    }
}

/// Rounds to the nearest integer, ties to even.
#[inline(always)]
pub(crate) fn round_even_f32(a: f32) -> f32 {
    #[cfg(feature = "std")]
    {
        a.round_ties_even()
    }
    #[cfg(not(feature = "std"))]
    {
        // libm's rint rounds in the default mode: to nearest, ties to even.
        libm::rintf(a)
    }
}

/// `ln(1 + a)`, for per-row sums (never in a vector loop).
#[inline]
pub(crate) fn ln_1p_f64(a: f64) -> f64 {
    #[cfg(feature = "std")]
    {
        a.ln_1p()
    }
    #[cfg(not(feature = "std"))]
    {
        libm::log1p(a)
    }
}
