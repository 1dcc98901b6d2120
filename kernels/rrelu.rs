//! `rrelu`: randomized leaky ReLU. The elementwise kernel is its eval mode
//! (spec `rrelu(lower=...,upper=...)`); training mode is the typed API
//! [`crate::RreluTraining`], whose lane math is also here.

use super::leaky_relu::LeakyRelu;
use super::math::random::{bits, counters, uniform};
use crate::kernel::prelude::*;
use alloc::format;

/// Randomized leaky ReLU (Xu et al. 2015, from the Kaggle NDSB
/// competition) in eval mode: `leaky_relu` with slope `(lower + upper)/2`
/// (PyTorch's `rrelu(training=False)`), bit for bit; defaults
/// `lower = 1/8`, `upper = 1/3`.
///
/// Training mode, where each element with `x <= 0` gets its own slope
/// drawn from U(lower, upper), is [`Rrelu::training`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rrelu {
    /// Lower bound of the slopes (finite, at most `upper`).
    pub lower: f32,
    /// Upper bound of the slopes (finite).
    pub upper: f32,
}

impl Default for Rrelu {
    fn default() -> Self {
        Rrelu {
            lower: 1.0 / 8.0,
            upper: 1.0 / 3.0,
        }
    }
}

impl Rrelu {
    /// The eval-mode slope `(lower + upper)/2`, computed as PyTorch does (in
    /// f64, rounded once to f32).
    pub fn eval_slope(&self) -> f32 {
        ((self.lower as f64 + self.upper as f64) / 2.0) as f32
    }

    fn leaky(&self) -> LeakyRelu {
        LeakyRelu {
            negative_slope: self.eval_slope(),
        }
    }
}

impl Elementwise for Rrelu {
    const INFO: Info = Info {
        name: "rrelu",
        aliases: &[],
        family: Family::Parametric,
        forward: "eval: x > 0 ? x : (lower+upper)/2·x; training (typed API): x <= 0 ? r·x : x, r ~ U(lower, upper)",
        backward: "eval: x > 0 ? dy : (lower+upper)/2·dy; training: x <= 0 ? r·dy : dy",
        params: &[
            Param::float("lower", 1.0 / 8.0, "lower bound of the slopes (finite)"),
            Param::float("upper", 1.0 / 3.0, "upper bound of the slopes (finite, >= lower)"),
        ],
        from_output: FromOutput::When("lower + upper >= 0"),
        accuracy: Accuracy::EXACT,
        examples: &[
            "rrelu",
            "rrelu(lower=0.1,upper=0.3)",
            "rrelu(lower=0,upper=0)",
            "rrelu(lower=-1,upper=0.5)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Rrelu {
            lower: v[0].float(),
            upper: v[1].float(),
        }
    }

    fn param(&self, index: usize) -> ParamValue {
        ParamValue::Float(if index == 0 { self.lower } else { self.upper })
    }

    fn validate(&self) -> Result<(), Error> {
        check::<Self>(
            self.lower.is_finite(),
            "lower",
            self.lower,
            "must be finite",
        )?;
        check::<Self>(
            self.upper.is_finite(),
            "upper",
            self.upper,
            "must be finite",
        )?;
        check::<Self>(
            self.lower <= self.upper,
            "lower",
            self.lower,
            &format!("must not exceed upper = {:?}", self.upper),
        )
    }

    fn check_backward_from_output(&self) -> Result<(), &'static str> {
        if self.eval_slope() >= 0.0 {
            Ok(())
        } else {
            Err("with lower + upper < 0, y > 0 also for x < 0")
        }
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        self.leaky().forward(l, x)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        self.leaky().backward(l, x, dy)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        self.leaky().backward_from_output(l, y, dy)
    }
}

/// Training mode's slopes for `WIDTH` consecutive elements whose indices
/// have low halves `start, start + 1, ...`: `lower + (upper - lower)·u`.
#[inline(always)]
pub(crate) fn slopes<L: Lanes>(l: L, start: u32, keys: (u32, u32), lower: f32, upper: f32) -> L::F {
    let u = uniform(l, bits(l, counters(l, start), keys.0, keys.1));
    l.mul_add(u, l.splat(upper - lower), l.splat(lower))
}

/// Training forward: `x <= 0 ? r·x : x` (slope 0 gives 0, also at -inf).
#[inline(always)]
pub(crate) fn train_forward<L: Lanes>(l: L, x: L::F, r: L::F) -> L::F {
    let zero = l.splat(0.0);
    let scaled = l.select(l.eq(r, zero), zero, l.mul(x, r));
    l.select(l.le(x, zero), scaled, x)
}

/// Training backward: `x <= 0 ? r·dy : dy` (PyTorch's noise, 1 for x > 0
/// and NaN).
#[inline(always)]
pub(crate) fn train_backward<L: Lanes>(l: L, x: L::F, dy: L::F, r: L::F) -> L::F {
    l.select(l.le(x, l.splat(0.0)), l.mul(dy, r), dy)
}

/// PyTorch's noise buffer: `x <= 0 ? r : 1`.
#[inline(always)]
pub(crate) fn noise<L: Lanes>(l: L, x: L::F, r: L::F) -> L::F {
    l.select(l.le(x, l.splat(0.0)), r, l.splat(1.0))
}
