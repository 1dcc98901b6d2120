//! f64 references for the exp/log-based activations.

use super::{param, sigma};
use simd_activations::Activation;

/// `ln(1 + e^z)` without overflow.
fn softplus1(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// soft_exponential's log argument `1 - α(x + α) = (1 - α²) - αx` for
/// α < 0 as `(hi, lo)`, to about 2^-100 relative: `α²` and `αx` are exact
/// in f64 (products of f32), and two TwoSums keep the sum's rounding
/// errors. At the edge of the domain the terms cancel to far below f64's
/// precision of `x + α` (α = -1, x = 2^-54: `x + α` rounds to -1 + 2^-53
/// in f64, and `ln` would see 2^-53 instead of 2^-54).
fn soft_exponential_argument(alpha: f64, x: f64) -> (f64, f64) {
    fn two_sum(a: f64, b: f64) -> (f64, f64) {
        let s = a + b;
        let bb = s - a;
        (s, (a - (s - bb)) + (b - bb))
    }
    let (s, e1) = two_sum(1.0, -(alpha * alpha));
    let (w, e2) = two_sum(s, -(alpha * x));
    (w, e1 + e2)
}

/// `ln(1 - α(x + α))` for α < 0: `ln1p` of `-α(x + α)` where that is not
/// near -1, else the logarithm of the exact argument.
fn soft_exponential_ln(alpha: f64, x: f64) -> f64 {
    let (w, lo) = soft_exponential_argument(alpha, x);
    if w == 0.0 {
        // -inf at the edge itself (lo = 0), else whatever lo holds.
        lo.ln()
    } else if w < 0.5 && x.is_finite() {
        w.ln() + (lo / w).ln_1p()
    } else {
        (-alpha * (x + alpha)).ln_1p()
    }
}

/// The SELU constants (Klambauer et al.).
const SELU_ALPHA: f64 = 1.673_263_242_354_377_284_817_042_991_671_7;
const SELU_SCALE: f64 = 1.050_700_987_355_480_493_419_334_985_294_6;

pub fn forward(act: &Activation, x: f64) -> Option<f64> {
    let p = |name: &str| param(act, name);
    Some(match act.name() {
        "sigmoid" => sigma(x),
        "logsigmoid" => x.min(0.0) - (-x.abs()).exp().ln_1p(),
        "softplus" => {
            let (beta, threshold) = (p("beta"), p("threshold"));
            // PyTorch decides the branch on the f32 product.
            if ((beta * x) as f32) as f64 > threshold {
                x
            } else {
                softplus1(beta * x) / beta
            }
        }
        "silu" if x == f64::NEG_INFINITY => -0.0,
        "silu" => x * sigma(x),
        "elu" => {
            if x > 0.0 {
                x
            } else {
                p("alpha") * x.exp_m1()
            }
        }
        "selu" => {
            if x > 0.0 {
                SELU_SCALE * x
            } else {
                SELU_SCALE * SELU_ALPHA * x.exp_m1()
            }
        }
        "celu" => {
            let alpha = p("alpha");
            if x > 0.0 {
                x
            } else {
                alpha * (x / alpha).exp_m1()
            }
        }
        "softsign" => {
            if x.is_infinite() {
                x.signum()
            } else {
                x / (1.0 + x.abs())
            }
        }
        "isru" if x.is_infinite() => x.signum() / p("alpha").sqrt(),
        "isru" => x / (1.0 + p("alpha") * x * x).sqrt(),
        "isrlu" => {
            if x >= 0.0 {
                x
            } else if x.is_infinite() {
                -1.0 / p("alpha").sqrt()
            } else {
                x / (1.0 + p("alpha") * x * x).sqrt()
            }
        }
        "bent_identity" if x.is_infinite() => x,
        "bent_identity" => x + x * x / (2.0 * ((x * x + 1.0).sqrt() + 1.0)),
        "gaussian" => (-x * x).exp(),
        "soft_exponential" => {
            let alpha = p("alpha");
            if alpha < 0.0 {
                -soft_exponential_ln(alpha, x) / alpha
            } else if alpha == 0.0 {
                x
            } else {
                // Next to the root ln(1 - α²)/α this cancels, and for some
                // small α (2^-10, 1e-10) f64 loses the result there;
                // fuzz_findings.rs checks those inputs against mpmath.
                (alpha * x).exp_m1() / alpha + alpha
            }
        }
        _ => return None,
    })
}

pub fn backward(act: &Activation, x: f64, dy: f64) -> Option<f64> {
    let p = |name: &str| param(act, name);
    Some(match act.name() {
        "sigmoid" => dy * sigma(x) * sigma(-x),
        "logsigmoid" => dy * sigma(-x),
        "softplus" => {
            let (beta, threshold) = (p("beta"), p("threshold"));
            if ((beta * x) as f32) as f64 > threshold {
                dy
            } else {
                dy * sigma(beta * x)
            }
        }
        "silu" if x.is_infinite() => dy * if x > 0.0 { 1.0 } else { 0.0 },
        "silu" => dy * sigma(x) * (1.0 + x * sigma(-x)),
        "elu" => {
            if x <= 0.0 {
                dy * p("alpha") * x.exp()
            } else {
                dy
            }
        }
        "selu" => {
            if x <= 0.0 {
                dy * SELU_SCALE * SELU_ALPHA * x.exp()
            } else {
                dy * SELU_SCALE
            }
        }
        "celu" => {
            if x <= 0.0 {
                dy * (x / p("alpha")).exp()
            } else {
                dy
            }
        }
        "softsign" => dy / (1.0 + x.abs()) / (1.0 + x.abs()),
        "isru" => dy * (1.0 + p("alpha") * x * x).sqrt().recip().powi(3),
        "isrlu" => {
            if x >= 0.0 {
                dy
            } else {
                dy * (1.0 + p("alpha") * x * x).sqrt().recip().powi(3)
            }
        }
        "bent_identity" if x.is_infinite() => dy * if x > 0.0 { 1.5 } else { 0.5 },
        "bent_identity" => dy * (x / (2.0 * (x * x + 1.0).sqrt()) + 1.0),
        "gaussian" if x.is_infinite() => dy * 0.0,
        "gaussian" => dy * -2.0 * x * (-x * x).exp(),
        "soft_exponential" => {
            let alpha = p("alpha");
            let (w, lo) = soft_exponential_argument(alpha, x);
            if alpha < 0.0 && w < 0.0 {
                f64::NAN
            } else if alpha < 0.0 && x.is_finite() {
                dy / (w + lo)
            } else if alpha < 0.0 {
                dy / (1.0 - alpha * (alpha + x))
            } else if alpha == 0.0 {
                dy
            } else {
                dy * (alpha * x).exp()
            }
        }
        _ => return None,
    })
}

pub fn backward_from_output(act: &Activation, y: f64, dy: f64) -> Option<f64> {
    let p = |name: &str| param(act, name);
    Some(match act.name() {
        "sigmoid" => dy * y * (1.0 - y),
        "logsigmoid" => -dy * y.exp_m1(),
        "softplus" => {
            let (beta, threshold) = (p("beta"), p("threshold"));
            if ((beta * y) as f32) as f64 > threshold {
                dy
            } else {
                -dy * (-beta * y).exp_m1()
            }
        }
        "elu" => {
            if y <= 0.0 {
                dy * (y + p("alpha"))
            } else {
                dy
            }
        }
        "selu" => {
            if y <= 0.0 {
                dy * (y + SELU_SCALE * SELU_ALPHA)
            } else {
                dy * SELU_SCALE
            }
        }
        "celu" => {
            if y <= 0.0 {
                dy * (y / p("alpha") + 1.0)
            } else {
                dy
            }
        }
        "softsign" => dy * (1.0 - y.abs()) * (1.0 - y.abs()),
        "isru" => dy * (1.0 - p("alpha") * y * y).powf(1.5),
        "isrlu" => {
            if y >= 0.0 {
                dy
            } else {
                dy * (1.0 - p("alpha") * y * y).powf(1.5)
            }
        }
        "soft_exponential" => {
            let alpha = p("alpha");
            if alpha < 0.0 {
                dy * (alpha * y).exp()
            } else if alpha == 0.0 {
                dy
            } else {
                dy * (alpha * (y - alpha) + 1.0)
            }
        }
        _ => return None,
    })
}
