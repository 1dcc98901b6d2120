//! `sinusoid`: sin x.

use super::math::trig::{sin, sin_cos};
use crate::kernel::prelude::*;

/// The sine, `sin x` (a periodic activation, as in SIREN).
///
/// Forward and backward (`dy·cos x`) through [`sin_cos`]: Cody–Waite
/// reduction by π/2 in three f32 parts with fused multiply-adds below
/// `|x| = 2^17`, an exact Payne–Hanek reduction per lane above (taken only
/// when some lane needs it), minimax polynomials for sine and cosine on
/// `[-π/4, π/4]`. Both passes are within 4 ULP for every finite f32 (the
/// reduced argument keeps its relative accuracy near the roots of sine and
/// cosine, for huge `|x|` too); `±inf` gives NaN (sin has no limit there).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sinusoid;

impl Elementwise for Sinusoid {
    const INFO: Info = Info {
        name: "sinusoid",
        aliases: &["sin"],
        family: Family::Transcendental,
        forward: "sin x",
        backward: "dy·cos x",
        params: &[],
        from_output: FromOutput::Never(
            "sin is not invertible: y = sin x does not determine the sign of cos x",
        ),
        accuracy: Accuracy::ulps(4, 4),
        examples: &["sinusoid"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Sinusoid
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("sinusoid has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        sin(l, x)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let (_, c) = sin_cos(l, x);
        l.mul(dy, c)
    }
}
