//! f64 references for the piecewise-linear family.

use super::param;
use simd_activations::Activation;

/// The forward reference `f(x)` in f64, or `None` if this file does not
/// know the activation (a test then fails: every activation needs one).
pub fn forward(act: &Activation, x: f64) -> Option<f64> {
    let p = |name: &str| param(act, name);
    // Universal rule: NaN in, NaN out.
    if x.is_nan() {
        return Some(f64::NAN);
    }
    Some(match act.name() {
        "relu" => {
            if x > 0.0 {
                x
            } else {
                0.0
            }
        }
        "relu6" => x.clamp(0.0, 6.0),
        "leaky_relu" => {
            let slope = p("negative_slope");
            if x > 0.0 {
                x
            } else if slope == 0.0 {
                0.0
            } else {
                slope * x
            }
        }
        "hardtanh" => x.max(p("min_val")).min(p("max_val")),
        "threshold" => {
            if x <= p("threshold") {
                p("value")
            } else {
                x
            }
        }
        "hardsigmoid" => {
            if x <= -3.0 {
                0.0
            } else if x >= 3.0 {
                1.0
            } else {
                x / 6.0 + 0.5
            }
        }
        "hardswish" => {
            if x <= -3.0 {
                0.0
            } else if x >= 3.0 {
                x
            } else {
                x * (x + 3.0) / 6.0
            }
        }
        "hardshrink" => {
            let l = p("lambd");
            if -l <= x && x <= l {
                0.0
            } else {
                x
            }
        }
        "softshrink" => {
            let l = p("lambd");
            if x > l {
                x - l
            } else if x < -l {
                x + l
            } else {
                0.0
            }
        }
        "identity" => x,
        "binary_step" => {
            if x >= 0.0 {
                1.0
            } else {
                0.0
            }
        }
        _ => return None,
    })
}

/// The backward reference `dx = f'(x)·dy` in f64, with SPEC.md's kink
/// conventions (comparisons as PyTorch writes them, so a NaN `x` takes the
/// branch its comparison's falsity picks).
pub fn backward(act: &Activation, x: f64, dy: f64) -> Option<f64> {
    let p = |name: &str| param(act, name);
    Some(match act.name() {
        "relu" => {
            if x <= 0.0 {
                0.0
            } else {
                dy
            }
        }
        "relu6" => {
            if x <= 0.0 || x >= 6.0 {
                0.0
            } else {
                dy
            }
        }
        "leaky_relu" => {
            if x > 0.0 {
                dy
            } else {
                p("negative_slope") * dy
            }
        }
        "hardtanh" => {
            if x <= p("min_val") || x >= p("max_val") {
                0.0
            } else {
                dy
            }
        }
        "threshold" => {
            if x <= p("threshold") {
                0.0
            } else {
                dy
            }
        }
        "hardsigmoid" => {
            if x > -3.0 && x < 3.0 {
                dy / 6.0
            } else {
                0.0
            }
        }
        "hardswish" => {
            if x <= -3.0 {
                0.0
            } else if x < 3.0 {
                dy * (x / 3.0 + 0.5)
            } else {
                dy
            }
        }
        "hardshrink" | "softshrink" => {
            let l = p("lambd");
            if -l <= x && x <= l {
                0.0
            } else {
                dy
            }
        }
        "identity" => dy,
        "binary_step" => 0.0,
        _ => return None,
    })
}

/// The backward reference from the output `y`, as SPEC.md writes it.
pub fn backward_from_output(act: &Activation, y: f64, dy: f64) -> Option<f64> {
    let p = |name: &str| param(act, name);
    Some(match act.name() {
        "relu" | "relu6" | "leaky_relu" | "hardtanh" | "threshold" | "identity" | "binary_step" => {
            // These masks read the same from y as from x.
            return backward(act, y, dy);
        }
        "hardshrink" | "softshrink" => {
            if y == 0.0 {
                0.0
            } else {
                dy
            }
        }
        _ => {
            let _ = p;
            return None;
        }
    })
}
