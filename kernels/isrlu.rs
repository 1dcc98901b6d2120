//! `isrlu`: x >= 0 ? x : x/√(1 + αx²).

use super::isru::{check_alpha, isru, isru_backward, isru_backward_from_output};
use crate::kernel::prelude::*;

/// Inverse square root linear unit: `x` for `x >= 0`, ISRU below.
///
/// Backward `x >= 0 ? dy : dy·(1/√(1 + αx²))³`; from the output
/// `y >= 0 ? dy : dy·(1 - αy²)^(3/2)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Isrlu {
    /// Sets the negative bound `-1/√alpha`; finite and positive.
    pub alpha: f32,
}

impl Default for Isrlu {
    fn default() -> Self {
        Isrlu { alpha: 1.0 }
    }
}

impl Elementwise for Isrlu {
    const INFO: Info = Info {
        name: "isrlu",
        aliases: &[],
        family: Family::Transcendental,
        forward: "x >= 0 ? x : x/√(1 + αx²)",
        backward: "x >= 0 ? dy : dy·(1/√(1 + αx²))³",
        params: &[Param::float(
            "alpha",
            1.0,
            "negative bound is -1/√alpha (positive)",
        )],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(2, 4),
        examples: &["isrlu", "isrlu(alpha=0.5)", "isrlu(alpha=1e-25)"],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Isrlu {
            alpha: v[0].float(),
        }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Float(self.alpha)
    }

    fn validate(&self) -> Result<(), Error> {
        check_alpha::<Self>(self.alpha)
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        l.select(l.ge(x, l.splat(0.0)), x, isru(l, self.alpha, x))
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        l.select(
            l.ge(x, l.splat(0.0)),
            dy,
            isru_backward(l, self.alpha, x, dy),
        )
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        let grad = isru_backward_from_output(l, self.alpha, y, dy);
        l.select(l.ge(y, l.splat(0.0)), dy, grad)
    }
}
