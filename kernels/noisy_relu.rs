//! `noisy_relu`: max(0, x + ε), ε ~ N(0, std²). The elementwise kernel is
//! its eval mode (relu; spec `noisy_relu(std=...)`); training mode is the
//! typed API [`crate::NoisyReluTraining`], whose lane math is also here.

use super::math::random::{bits, counters, normal};
use crate::kernel::prelude::*;

/// Noisy ReLU (Nair & Hinton 2010) in eval mode: plain relu,
/// `max(0, x)`, backward `x <= 0 ? 0 : dy`. The noise's standard deviation
/// `std` (required, finite, >= 0) only matters in training mode,
/// [`NoisyRelu::training`]: `y = max(0, x + ε)`, `ε ~ N(0, std²)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoisyRelu {
    /// Standard deviation of the training noise.
    pub std: f32,
}

impl Elementwise for NoisyRelu {
    const INFO: Info = Info {
        name: "noisy_relu",
        aliases: &[],
        family: Family::Parametric,
        forward: "eval: max(0, x); training (typed API): max(0, x + ε), ε ~ N(0, std²)",
        backward: "eval: x <= 0 ? 0 : dy; training: (x + ε) > 0 ? dy : 0",
        params: &[Param::required(
            "std",
            "standard deviation of the training noise (finite, >= 0)",
        )],
        from_output: FromOutput::Always,
        accuracy: Accuracy::EXACT,
        examples: &[
            "noisy_relu(std=0.1)",
            "noisy_relu(std=0)",
            "noisy_relu(std=2)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        NoisyRelu { std: v[0].float() }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Float(self.std)
    }

    fn validate(&self) -> Result<(), Error> {
        let s = self.std;
        check::<Self>(
            s.is_finite() && s >= 0.0,
            "std",
            s,
            "must be finite and >= 0",
        )
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        l.max(l.splat(0.0), x)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        l.zero_where(l.le(x, l.splat(0.0)), dy)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        self.backward(l, y, dy)
    }
}

/// Training noise `ε = std·z` for `WIDTH` consecutive elements whose
/// indices have low halves `start, start + 1, ...`.
#[inline(always)]
pub(crate) fn noise<L: Lanes>(l: L, start: u32, keys: (u32, u32), std: f32) -> L::F {
    l.mul(
        normal(l, bits(l, counters(l, start), keys.0, keys.1)),
        l.splat(std),
    )
}

/// Training forward `max(0, x + ε)` (NaN propagates).
#[inline(always)]
pub(crate) fn train_forward<L: Lanes>(l: L, x: L::F, eps: L::F) -> L::F {
    l.max(l.splat(0.0), l.add(x, eps))
}

/// Training backward `(x + ε) > 0 ? dy : 0`.
#[inline(always)]
pub(crate) fn train_backward<L: Lanes>(l: L, x: L::F, dy: L::F, eps: L::F) -> L::F {
    l.select(l.gt(l.add(x, eps), l.splat(0.0)), dy, l.splat(0.0))
}
