//! `leaky_relu`: x > 0 ? x : negative_slope·x.

use crate::kernel::prelude::*;

/// Leaky ReLU: `x > 0 ? x : negative_slope·x` (PyTorch default slope 0.01).
///
/// With `negative_slope = 0` it is relu (also at `x = -inf`, where the
/// product would be NaN). Backward `x > 0 ? dy : negative_slope·dy`. From the output only when
/// `negative_slope >= 0` (then `y > 0` exactly when `x > 0`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyRelu {
    /// Slope for `x <= 0`; any finite value.
    pub negative_slope: f32,
}

impl Default for LeakyRelu {
    fn default() -> Self {
        LeakyRelu {
            negative_slope: 0.01,
        }
    }
}

impl Elementwise for LeakyRelu {
    const INFO: Info = Info {
        name: "leaky_relu",
        aliases: &[],
        family: Family::PiecewiseLinear,
        forward: "x > 0 ? x : negative_slope·x",
        backward: "x > 0 ? dy : negative_slope·dy",
        params: &[Param::float(
            "negative_slope",
            0.01,
            "slope for x <= 0 (finite)",
        )],
        from_output: FromOutput::When("negative_slope >= 0"),
        accuracy: Accuracy::EXACT,
        examples: &[
            "leaky_relu",
            "leaky_relu(negative_slope=0.2)",
            "leaky_relu(negative_slope=-0.5)",
            "leaky_relu(negative_slope=3)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        LeakyRelu {
            negative_slope: v[0].float(),
        }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Float(self.negative_slope)
    }

    fn validate(&self) -> Result<(), Error> {
        let s = self.negative_slope;
        check::<Self>(s.is_finite(), "negative_slope", s, "must be finite")
    }

    fn check_backward_from_output(&self) -> Result<(), &'static str> {
        if self.negative_slope >= 0.0 {
            Ok(())
        } else {
            Err("with negative_slope < 0, y > 0 also for x < 0")
        }
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        if self.negative_slope == 0.0 {
            // 0·(-inf) would be NaN; the limit is 0, which relu gives.
            return l.max(l.splat(0.0), x);
        }
        let scaled = l.mul(x, l.splat(self.negative_slope));
        l.select(l.gt(x, l.splat(0.0)), x, scaled)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let scaled = l.mul(dy, l.splat(self.negative_slope));
        l.select(l.gt(x, l.splat(0.0)), dy, scaled)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        self.backward(l, y, dy)
    }
}
