//! Which lane backend runs the kernels: listing, detection, and the
//! `SIMD_ACTIVATIONS_BACKEND` override.

use crate::lanes::Token;
use crate::Error;
use alloc::{string::ToString, vec::Vec};
use core::fmt;
use core::str::FromStr;

/// The environment variable that forces one backend for the whole process.
pub const BACKEND_ENV: &str = "SIMD_ACTIVATIONS_BACKEND";

/// A lane backend. Every kernel runs on every backend and gives the same
/// results (bit for bit where the backend has fused multiply-add).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Backend {
    /// One element at a time, plain `f32` (kept scalar on purpose: it is the
    /// baseline the SIMD paths are measured against).
    Scalar,
    /// `wide::f32x8`: whatever SIMD the build target guarantees (NEON on
    /// aarch64, SSE2 on plain x86-64).
    Portable,
    /// x86-64 AVX2 with FMA, eight lanes, detected at run time.
    Avx2,
    /// x86-64 AVX-512 (F/DQ/BW/VL) with FMA, sixteen lanes and masked tails,
    /// detected at run time.
    Avx512,
}

impl Backend {
    /// Every backend, from the slowest to the fastest.
    pub const ALL: [Backend; 4] = [
        Backend::Scalar,
        Backend::Portable,
        Backend::Avx2,
        Backend::Avx512,
    ];

    /// The backend's name as the environment variable and `FromStr` spell it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Scalar => "scalar",
            Backend::Portable => "portable",
            Backend::Avx2 => "avx2",
            Backend::Avx512 => "avx512",
        }
    }

    /// The number of f32 lanes it processes at once.
    pub fn lanes(self) -> usize {
        match self {
            Backend::Scalar => 1,
            Backend::Portable | Backend::Avx2 => 8,
            Backend::Avx512 => 16,
        }
    }

    /// Whether this CPU (and this build) can run the backend.
    pub fn is_supported(self) -> bool {
        Token::new(self).is_some()
    }

    /// The backends this CPU can run, slowest first.
    pub fn supported() -> Vec<Backend> {
        Backend::ALL
            .into_iter()
            .filter(|b| b.is_supported())
            .collect()
    }

    /// The fastest backend this CPU can run (what detection picks when the
    /// environment variable is not set).
    pub fn detected() -> Backend {
        Backend::ALL
            .into_iter()
            .rev()
            .find(|b| b.is_supported())
            .unwrap_or(Backend::Scalar)
    }

    /// The backend calls use by default: the one `SIMD_ACTIVATIONS_BACKEND`
    /// names, or else [`Backend::detected`]. Decided once per process.
    /// Without the `std` feature there is no environment: always
    /// [`Backend::detected`].
    ///
    /// # Errors
    /// If the variable holds an unknown name, or names a backend this CPU
    /// cannot run. Every call that uses the default backend reports it.
    pub fn selected() -> Result<Backend, Error> {
        #[cfg(feature = "std")]
        {
            static SELECTED: std::sync::OnceLock<Result<Backend, Error>> =
                std::sync::OnceLock::new();
            SELECTED
                .get_or_init(|| {
                    let value = std::env::var_os(BACKEND_ENV);
                    select(value.as_ref().map(|v| v.to_string_lossy()).as_deref())
                })
                .clone()
        }
        #[cfg(not(feature = "std"))]
        {
            select(None)
        }
    }
}

/// The backend named by the environment variable's `value`, if any.
fn select(value: Option<&str>) -> Result<Backend, Error> {
    let Some(value) = value else {
        return Ok(Backend::detected());
    };
    let backend = value.parse::<Backend>().map_err(|_| Error::BackendEnv {
        value: value.to_string(),
    })?;
    if backend.is_supported() {
        Ok(backend)
    } else {
        Err(Error::BackendUnavailable {
            backend,
            supported: Backend::supported(),
        })
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = Error;

    /// Parses `scalar`, `portable`, `avx2` or `avx512` (ASCII case and
    /// surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Backend, Error> {
        let wanted = s.trim();
        Backend::ALL
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| Error::UnknownBackend {
                name: s.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_values() {
        assert_eq!(select(None).unwrap(), Backend::detected());
        assert_eq!(select(Some("scalar")).unwrap(), Backend::Scalar);
        assert_eq!(select(Some(" Portable ")).unwrap(), Backend::Portable);
        let err = select(Some("avx9")).unwrap_err().to_string();
        assert!(
            err.contains("SIMD_ACTIVATIONS_BACKEND") && err.contains("avx9"),
            "{err}"
        );
        for b in Backend::ALL {
            match select(Some(b.name())) {
                Ok(got) => assert!(got == b && b.is_supported()),
                Err(e) => {
                    assert!(!b.is_supported());
                    assert!(e.to_string().contains(b.name()), "{e}");
                }
            }
        }
    }
}
