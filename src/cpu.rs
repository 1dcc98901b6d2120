//! CPU feature detection, in one place.
//!
//! `x86_has!` caches its answer after the first
//! query, so these are cheap; the crate still calls them only when it builds
//! a backend token, never per element or per chunk. Without `std` there is
//! no run-time detection: a feature counts when the build target enables it
//! (`-C target-feature`, `-C target-cpu`).

/// Whether the CPU has x86 feature `$name`: at run time with `std`, at
/// compile time without.
#[cfg(all(target_arch = "x86_64", feature = "std"))]
macro_rules! x86_has {
    ($name:tt) => {
        std::arch::is_x86_feature_detected!($name)
    };
}
#[cfg(all(target_arch = "x86_64", not(feature = "std")))]
macro_rules! x86_has {
    ($name:tt) => {
        enabled_at_build(cfg!(target_feature = $name))
    };
}

/// The build-time answer, behind a call so lints see a query, not a constant.
#[cfg(all(target_arch = "x86_64", not(feature = "std")))]
const fn enabled_at_build(enabled: bool) -> bool {
    enabled
}

use alloc::vec::Vec;

/// Whether the CPU has FMA (scalar kernels then use the hardware `vfmadd`).
pub(crate) fn has_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        x86_has!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Whether the AVX2 backend can run: AVX2 and FMA.
#[cfg(x86_simd)]
pub(crate) fn has_avx2_fma() -> bool {
    x86_has!("avx2") && x86_has!("fma")
}

/// Whether the AVX-512 backend can run: AVX-512 F, DQ, BW, VL, plus AVX2 and FMA.
#[cfg(x86_simd)]
pub(crate) fn has_avx512() -> bool {
    has_avx2_fma()
        && x86_has!("avx512f")
        && x86_has!("avx512dq")
        && x86_has!("avx512bw")
        && x86_has!("avx512vl")
}

/// Whether the CPU has F16C (`vcvtph2ps`/`vcvtps2ph`, f16 <-> f32 in
/// hardware), for the half-precision conversions.
#[cfg(all(x86_simd, feature = "half"))]
pub(crate) fn has_f16c() -> bool {
    x86_has!("avx") && x86_has!("f16c")
}

/// The names of the SIMD-related features this CPU has, for the report.
pub fn features() -> Vec<&'static str> {
    #[allow(unused_mut)]
    let mut found = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        macro_rules! probe {
            ($($name:tt),*) => {
                $(if x86_has!($name) { found.push($name); })*
            };
        }
        probe!(
            "sse2",
            "sse4.1",
            "avx",
            "avx2",
            "fma",
            "f16c",
            "avx512f",
            "avx512dq",
            "avx512bw",
            "avx512vl",
            "avx512bf16",
            "avx512fp16"
        );
    }
    #[cfg(target_arch = "aarch64")]
    {
        #[cfg(feature = "std")]
        let neon = std::arch::is_aarch64_feature_detected!("neon");
        #[cfg(not(feature = "std"))]
        let neon = cfg!(target_feature = "neon");
        if neon {
            found.push("neon");
        }
    }
    found
}
