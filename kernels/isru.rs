//! `isru`: x/√(1 + αx²).

use crate::kernel::prelude::*;

/// Inverse square root unit `x/√(1 + αx²)`, bounded by `±1/√α`.
///
/// For `|x| <= 1`, `1 + αx²` with one FMA; beyond, `sign(x)/√(α + 1/x²)`,
/// which cannot overflow. Backward `dy·(1/√(1 + αx²))³`; from the output
/// `dy·(1 - αy²)^(3/2)` with `1 - αy²` from an exact product (it cancels
/// where `y` nears its bound).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Isru {
    /// Sets the bound `±1/√alpha`; finite and positive.
    pub alpha: f32,
}

impl Default for Isru {
    fn default() -> Self {
        Isru { alpha: 1.0 }
    }
}

/// Validates ISRU-style `alpha` for kernel `K`.
pub(crate) fn check_alpha<K: Kernel>(alpha: f32) -> Result<(), Error> {
    check::<K>(
        alpha.is_finite() && alpha > 0.0,
        "alpha",
        alpha,
        "must be finite and positive",
    )
}

/// `x/√(1 + αx²)`.
#[inline(always)]
pub(crate) fn isru<L: Lanes>(l: L, alpha: f32, x: L::F) -> L::F {
    let one = l.splat(1.0);
    let a = l.splat(alpha);
    let near = l.div(x, l.sqrt(l.mul_add(l.mul(a, x), x, one)));
    // |x| > 1: sign(x)/√(α + 1/x²) (and ±1/√α at ±inf).
    let w = l.div(one, x);
    let far_mag = l.div(one, l.sqrt(l.mul_add(w, w, a)));
    let far = l.select(l.lt(x, l.splat(0.0)), l.neg(far_mag), far_mag);
    l.select(l.gt(l.abs(x), one), far, near)
}

/// `dy·(1/√(1 + αx²))³`: `r = 1/√(1 + αx²)` to about 2 ULP in f32 (as in
/// [`isru`]), one Newton step in f64 (`t = 1 + αx²` is exact there), and
/// `dy·r³` rounded once.
#[inline(always)]
pub(crate) fn isru_backward<L: Lanes>(l: L, alpha: f32, x: L::F, dy: L::F) -> L::F {
    let one = l.splat(1.0);
    let a = l.splat(alpha);
    let ax = l.abs(x);
    let near = l.div(one, l.sqrt(l.mul_add(l.mul(a, x), x, one)));
    let w = l.div(one, ax);
    let far = l.div(w, l.sqrt(l.mul_add(w, w, a)));
    let r = l.select(l.gt(ax, one), far, near);
    // A function, not a closure: see math::poly::pow2_of_int.
    #[inline(always)]
    fn refine<L: Lanes>(l: L, alpha: f32, x: L::D, r: L::D, dy: L::D) -> L::D {
        let t = l.add_d(
            l.mul_d(l.mul_d(l.splat_d(alpha as f64), x), x),
            l.splat_d(1.0),
        );
        let half_t_r2 = l.mul_d(l.mul_d(l.splat_d(0.5), t), l.mul_d(r, r));
        let r = l.mul_d(r, l.sub_d(l.splat_d(1.5), half_t_r2));
        l.mul_d(dy, l.mul_d(r, l.mul_d(r, r)))
    }
    let ((x_lo, x_hi), (r_lo, r_hi), (dy_lo, dy_hi)) = (l.widen(x), l.widen(r), l.widen(dy));
    let grad = l.narrow(
        refine(l, alpha, x_lo, r_lo, dy_lo),
        refine(l, alpha, x_hi, r_hi, dy_hi),
    );
    // ±inf: r = 0 and t = inf give NaN in the step; the limit is 0.
    l.select(
        l.eq(ax, l.splat(f32::INFINITY)),
        l.mul(dy, l.splat(0.0)),
        grad,
    )
}

/// `dy·(1 - αy²)^(3/2)`.
#[inline(always)]
pub(crate) fn isru_backward_from_output<L: Lanes>(l: L, alpha: f32, y: L::F, dy: L::F) -> L::F {
    let a = l.splat(alpha);
    // αy = h + dh exactly; 1 - αy² = (1 - h·y) - dh·y.
    let h = l.mul(a, y);
    let dh = l.mul_add(a, y, l.neg(h));
    let c = l.sub(l.mul_add(l.neg(h), y, l.splat(1.0)), l.mul(dh, y));
    l.mul(l.mul(dy, c), l.sqrt(c))
}

impl Elementwise for Isru {
    const INFO: Info = Info {
        name: "isru",
        aliases: &[],
        family: Family::Transcendental,
        forward: "x/√(1 + αx²)",
        backward: "dy·(1/√(1 + αx²))³; from y: dy·(1 - αy²)^(3/2)",
        params: &[Param::float("alpha", 1.0, "bound is 1/√alpha (positive)")],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(2, 4),
        examples: &["isru", "isru(alpha=0.25)", "isru(alpha=3)"],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Isru {
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
        isru(l, self.alpha, x)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        isru_backward(l, self.alpha, x, dy)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        isru_backward_from_output(l, self.alpha, y, dy)
    }
}
