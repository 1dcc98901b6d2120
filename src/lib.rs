//! SIMD-accelerated activation functions for large f32 buffers: forward and
//! backward, chosen at run time for the CPU (AVX-512, AVX2+FMA, a portable
//! `wide` path, or scalar), split across cores with rayon for large buffers.
//!
//! PyTorch's names, parameters, defaults and kink conventions are the
//! contract: a spec string such as `leaky_relu(negative_slope=0.2)` means
//! what `torch.nn.functional.leaky_relu(x, negative_slope=0.2)` means.
//!
//! # Quick start
//! ```
//! use simd_activations::{Activation, ActivationFn, LeakyRelu};
//!
//! let x = vec![-2.0f32, -0.5, 0.0, 1.5];
//! let mut y = vec![0.0f32; x.len()];
//!
//! // A typed activation...
//! LeakyRelu { negative_slope: 0.1 }.forward(&x, &mut y)?;
//! assert_eq!(y, [-0.2, -0.05, 0.0, 1.5]);
//!
//! // ...or one named by a config string.
//! let act: Activation = "hardtanh(min_val=-1,max_val=1)".parse()?;
//! act.forward(&x, &mut y)?;
//! assert_eq!(y, [-1.0, -0.5, 0.0, 1.0]);
//!
//! // Backward: dx = f'(x)·dy.
//! let dy = vec![1.0f32; x.len()];
//! let mut dx = vec![0.0f32; x.len()];
//! act.backward(&x, &dy, &mut dx)?;
//! assert_eq!(dx, [0.0, 1.0, 1.0, 0.0]);
//!
//! // Mistakes are errors, never panics.
//! assert!(act.forward(&x, &mut y[..3]).is_err());
//! assert!("leaky_relu(slope=0.2)".parse::<Activation>().is_err());
//! # Ok::<(), simd_activations::Error>(())
//! ```
//!
//! # Choosing the backend and threads
//! The [`ActivationFn`] methods run on [`Executor::global`]: the fastest
//! backend this CPU has, or the one `SIMD_ACTIVATIONS_BACKEND` names
//! (`scalar`, `portable`, `avx2`, `avx512`). Build an [`Executor`] to pick a
//! backend per call or to keep a call on the calling thread.
//!
//! # Adding an activation
//! Add one file under `kernels/` with a type implementing [`Elementwise`];
//! `build.rs` registers it everywhere (see README.md).

#![deny(missing_docs)]
// Unit tests link std (the test harness does) even without the feature.
#![cfg_attr(not(any(feature = "std", test)), no_std)]

extern crate alloc;

// The generated registry: kernel modules, `Activation`, `with_kernel!`,
// `REGISTRY`. Included first so its macro is visible to the modules below.
include!(concat!(env!("OUT_DIR"), "/registry.rs"));

mod activation;
#[cfg(feature = "ndarray")]
pub mod array;
mod backend;
mod bias;
pub mod bytes;
mod channels;
pub mod cpu;
mod driver;
mod error;
mod executor;
mod float;
#[cfg(feature = "half")]
pub mod half;
pub mod kernel;
pub mod lanes;
#[cfg(not(feature = "std"))]
mod once;
mod par;
mod pass;
pub mod random;
mod reduce;
mod registry;
pub mod rows;
mod spec;
mod stores;
mod training;

pub use activation::ActivationFn;
#[cfg(feature = "ndarray")]
pub use array::Activate;
pub use backend::{Backend, BACKEND_ENV};
pub use bytes::Misaligned;
pub use channels::{Apl, Layout, PreluChannels, Srelu, SreluParams};
pub use error::Error;
pub use executor::{Executor, CHUNK_ALIGN, DEFAULT_CHUNK_LEN, DEFAULT_MIN_PARALLEL_LEN};
pub use kernel::{
    Accuracy, Elementwise, Family, FromOutput, Info, Kernel, Kind, Param, ParamKind, ParamValue,
    Rowwise,
};
pub use registry::activations;
pub use stores::{Stores, DEFAULT_STREAMING_MIN_LEN};
pub use training::{NoisyReluTraining, RreluTraining};

/// The names most programs need: `use simd_activations::prelude::*;`.
pub mod prelude {
    pub use crate::{Activation, ActivationFn, Backend, Error, Executor};
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
