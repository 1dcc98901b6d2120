//! The one error type of the crate.

use crate::Backend;
use alloc::{string::String, vec::Vec};
use core::fmt;

/// Everything that can go wrong in a call. Messages name the problem
/// precisely: both lengths on a mismatch, the offending part of a spec, the
/// parameter and the rule it breaks.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// Two buffers of one call differ in length.
    LengthMismatch {
        /// Name of the buffer that sets the length (e.g. `x`).
        expected_name: &'static str,
        /// Its length.
        expected: usize,
        /// Name of the buffer that differs (e.g. `y`).
        found_name: &'static str,
        /// Its length.
        found: usize,
    },
    /// A spec string could not be parsed.
    Spec {
        /// The whole spec as given.
        spec: String,
        /// The part of it that is wrong.
        token: String,
        /// What is wrong with that part.
        reason: String,
    },
    /// A parameter value breaks the activation's rules.
    InvalidParameter {
        /// The activation's name.
        activation: &'static str,
        /// The parameter's name.
        parameter: &'static str,
        /// The value given.
        value: f32,
        /// The rule it breaks, e.g. "must be finite".
        rule: String,
    },
    /// `backward_from_output` was asked of an activation (or parameter
    /// choice) whose input cannot be recovered from its output.
    BackwardFromOutputUnsupported {
        /// The activation as a spec string.
        activation: String,
        /// Why the output does not determine the gradient.
        reason: &'static str,
    },
    /// A backend name that is not one of `scalar`, `portable`, `avx2`, `avx512`.
    UnknownBackend {
        /// The name given.
        name: String,
    },
    /// `SIMD_ACTIVATIONS_BACKEND` holds something that is not a backend name.
    BackendEnv {
        /// The variable's value.
        value: String,
    },
    /// The backend asked for cannot run on this CPU (or this build).
    BackendUnavailable {
        /// The backend asked for.
        backend: Backend,
        /// The backends this CPU can run.
        supported: Vec<Backend>,
    },
    /// The buffers do not have the shape the call needs: a row length that
    /// does not divide the buffer, rows a grouped function cannot take
    /// (maxout with `cols % k != 0`), an output of the wrong size, channel
    /// counts that do not match the weights, ...
    InvalidShape {
        /// What is wrong, with the numbers.
        reason: String,
    },
    /// A byte (or other `Pod`) buffer cannot be viewed as f32: misaligned
    /// (without [`crate::Misaligned::Copy`]) or not a whole number of f32.
    ByteBuffer {
        /// Which buffer of the call (`x`, `y`, `dy`, `dx`).
        buffer: &'static str,
        /// Its length in bytes.
        bytes: usize,
        /// What is wrong, with the numbers.
        problem: String,
    },
    /// An execution option is out of range.
    InvalidOption {
        /// The option's name.
        option: &'static str,
        /// The value given.
        value: usize,
        /// The rule it breaks.
        rule: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::LengthMismatch {
                expected_name,
                expected,
                found_name,
                found,
            } => write!(
                f,
                "length mismatch: {expected_name} has {expected} elements but {found_name} has {found}"
            ),
            Error::Spec {
                spec,
                token,
                reason,
            } => write!(f, "invalid activation spec {spec:?}: {reason} (at {token:?})"),
            Error::InvalidParameter {
                activation,
                parameter,
                value,
                rule,
            } => write!(
                f,
                "invalid parameter for {activation}: {parameter} = {value:?} {rule}"
            ),
            Error::BackwardFromOutputUnsupported { activation, reason } => write!(
                f,
                "backward_from_output is not available for {activation}: {reason}; use backward with the input"
            ),
            Error::UnknownBackend { name } => write!(
                f,
                "unknown backend {name:?}: expected one of scalar, portable, avx2, avx512"
            ),
            Error::BackendEnv { value } => write!(
                f,
                "{} = {value:?} is not a backend: expected one of scalar, portable, avx2, avx512",
                crate::BACKEND_ENV
            ),
            Error::BackendUnavailable { backend, supported } => {
                let names: Vec<&str> = supported.iter().map(|b| b.name()).collect();
                write!(
                    f,
                    "backend {backend} is not supported on this CPU (supported: {})",
                    names.join(", ")
                )
            }
            Error::InvalidShape { reason } => write!(f, "invalid shape: {reason}"),
            Error::ByteBuffer {
                buffer,
                bytes,
                problem,
            } => write!(f, "byte buffer {buffer} of {bytes} bytes {problem}"),
            Error::InvalidOption {
                option,
                value,
                rule,
            } => write!(f, "invalid option {option} = {value}: {rule}"),
        }
    }
}

impl core::error::Error for Error {}
