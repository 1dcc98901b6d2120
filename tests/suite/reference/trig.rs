//! f64 references for the trigonometric activations. std's `sin`, `cos`
//! and `atan` reduce exactly and are within 1 ULP of f64 for every input.

use simd_activations::Activation;

/// `(x cos x - sin x)/x²`, the derivative of sin(x)/x: a series near 0,
/// where the two terms cancel to -x³/3 (the direct formula loses about
/// 2^-53/x² relative there, still under 2^-36 at the 1e-2 switch).
fn sinc_slope(x: f64) -> f64 {
    if x == 0.0 || x.is_infinite() {
        return 0.0;
    }
    if x.abs() < 1e-2 {
        // -x/3 + x³/30 - x⁵/840 + x⁷/45360 - x⁹/3991680: the next term is
        // below 2^-60 relative.
        let z = x * x;
        let p = 1.0 / 3991680.0;
        let p = 1.0 / 45360.0 - z * p;
        let p = 1.0 / 840.0 - z * p;
        let p = 1.0 / 30.0 - z * p;
        return x * (z * p - 1.0 / 3.0);
    }
    // Near the roots of tan x = x the subtraction is exact and the error is
    // that of x cos x and sin x, 2^-53 relative, against |x cos x - sin x|
    // >= 7.8e-7 at f32 inputs (4.4934094): under 2^-32 relative.
    (x * x.cos() - x.sin()) / (x * x)
}

pub fn forward(act: &Activation, x: f64) -> Option<f64> {
    Some(match act.name() {
        "arctan" => x.atan(),
        // sin(±inf) is NaN: sine has no limit at infinity.
        "sinusoid" => x.sin(),
        "sinc" => {
            if x == 0.0 {
                1.0
            } else if x.is_infinite() {
                0.0
            } else {
                x.sin() / x
            }
        }
        _ => return None,
    })
}

pub fn backward(act: &Activation, x: f64, dy: f64) -> Option<f64> {
    Some(match act.name() {
        // x² cannot overflow in f64 for f32 x.
        "arctan" => dy / (1.0 + x * x),
        "sinusoid" => dy * x.cos(),
        "sinc" => dy * sinc_slope(x),
        _ => return None,
    })
}

pub fn backward_from_output(act: &Activation, y: f64, dy: f64) -> Option<f64> {
    Some(match act.name() {
        // y = atan x: 1/(1 + x²) = cos²y.
        "arctan" => {
            let c = y.cos();
            dy * c * c
        }
        _ => return None,
    })
}
