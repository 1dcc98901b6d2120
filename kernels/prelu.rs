//! `prelu`: x > 0 ? x : weight·x, with one learnable weight (this file's
//! elementwise kernel, spec `prelu(weight=0.25)`) or one per channel (the
//! typed API [`crate::PreluChannels`], whose lane math is also here).

use super::leaky_relu::LeakyRelu;
use crate::kernel::prelude::*;

/// Parametric ReLU (He et al. 2015) with a single weight:
/// `x > 0 ? x : weight·x`, PyTorch's `prelu` with `num_parameters=1`
/// (default weight 0.25, PyTorch's initial value).
///
/// The elementwise kernel computes what `leaky_relu` with
/// `negative_slope = weight` computes, bit for bit (also `weight = 0` at
/// `-inf`, where the limit 0 is returned). Learning the weight needs its
/// gradient `Σ_{x<=0} x·dy`: use [`Prelu::per_channel`] (with one weight or
/// one per channel), whose `backward` returns it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prelu {
    /// Slope for `x <= 0`; any finite value.
    pub weight: f32,
}

impl Default for Prelu {
    fn default() -> Self {
        Prelu { weight: 0.25 }
    }
}

impl Prelu {
    /// The same function as the leaky ReLU it equals.
    fn leaky(&self) -> LeakyRelu {
        LeakyRelu {
            negative_slope: self.weight,
        }
    }
}

impl Elementwise for Prelu {
    const INFO: Info = Info {
        name: "prelu",
        aliases: &[],
        family: Family::Parametric,
        forward: "x > 0 ? x : weight·x",
        backward: "x > 0 ? dy : weight·dy; dweight = Σ_{x<=0} x·dy (typed API)",
        params: &[Param::float(
            "weight",
            0.25,
            "slope for x <= 0 (finite); learnable",
        )],
        from_output: FromOutput::When("weight >= 0"),
        accuracy: Accuracy::EXACT,
        examples: &[
            "prelu",
            "prelu(weight=0.25)",
            "prelu(weight=0)",
            "prelu(weight=-0.5)",
            "prelu(weight=2.5)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Prelu {
            weight: v[0].float(),
        }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Float(self.weight)
    }

    fn validate(&self) -> Result<(), Error> {
        let w = self.weight;
        check::<Self>(w.is_finite(), "weight", w, "must be finite")
    }

    fn check_backward_from_output(&self) -> Result<(), &'static str> {
        if self.weight >= 0.0 {
            Ok(())
        } else {
            Err("with weight < 0, y > 0 also for x < 0")
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

/// `x > 0 ? x : w·x` with a weight per lane; `w = 0` gives `max(0, x)`
/// (the limit at `-inf`), exactly as the single-weight kernel.
#[inline(always)]
pub(crate) fn forward_w<L: Lanes>(l: L, x: L::F, w: L::F) -> L::F {
    let zero = l.splat(0.0);
    let y = l.select(l.gt(x, zero), x, l.mul(x, w));
    l.select(l.eq(w, zero), l.max(zero, x), y)
}

/// `x > 0 ? dy : w·dy` with a weight per lane.
#[inline(always)]
pub(crate) fn backward_w<L: Lanes>(l: L, x: L::F, dy: L::F, w: L::F) -> L::F {
    l.select(l.gt(x, l.splat(0.0)), dy, l.mul(dy, w))
}

/// The weight-gradient terms `x > 0 ? 0 : x·dy` (PyTorch's mask, so a NaN
/// input makes the gradient NaN), exact in f64, as the two halves of the
/// vector.
#[inline(always)]
pub(crate) fn weight_terms<L: Lanes>(l: L, x: L::F, dy: L::F) -> (L::D, L::D) {
    let zero = l.splat(0.0);
    let positive = l.gt(x, zero);
    let (x0, x1) = l.widen(l.select(positive, zero, x));
    let (g0, g1) = l.widen(l.select(positive, zero, dy));
    (l.mul_d(x0, g0), l.mul_d(x1, g1))
}
