//! f64 references for the elementwise members of the parametric and
//! stochastic family: prelu with one weight, rrelu and noisy_relu in eval
//! mode (their training modes and per-channel forms are tested against
//! plain loops in tests/parametric.rs and tests/stochastic.rs).

use super::param;
use simd_activations::Activation;

/// The slope of `x <= 0`, or `None` if this file does not know `act`.
/// `Some(None)`: relu (noisy_relu in eval mode).
fn slope(act: &Activation) -> Option<Option<f64>> {
    Some(match act.name() {
        "prelu" => Some(param(act, "weight")),
        // PyTorch: (lower + upper)/2 in double, the kernel's slope an f32.
        "rrelu" => Some(((param(act, "lower") + param(act, "upper")) / 2.0) as f32 as f64),
        "noisy_relu" => None,
        _ => return None,
    })
}

pub fn forward(act: &Activation, x: f64) -> Option<f64> {
    let slope = slope(act)?;
    if x.is_nan() {
        return Some(f64::NAN);
    }
    Some(match slope {
        _ if x > 0.0 => x,
        Some(s) if s != 0.0 => s * x,
        // Slope 0: the limit 0, also at -inf.
        _ => 0.0,
    })
}

pub fn backward(act: &Activation, x: f64, dy: f64) -> Option<f64> {
    Some(match slope(act)? {
        // relu: x <= 0 ? 0 : dy (NaN passes dy).
        None => {
            if x <= 0.0 {
                0.0
            } else {
                dy
            }
        }
        // PyTorch's leaky rule: x > 0 ? dy : slope·dy.
        Some(s) => {
            if x > 0.0 {
                dy
            } else {
                s * dy
            }
        }
    })
}

pub fn backward_from_output(act: &Activation, y: f64, dy: f64) -> Option<f64> {
    backward(act, y, dy)
}
