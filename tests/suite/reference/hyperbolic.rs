//! f64 references for the tanh- and erf-based activations: tanh,
//! tanhshrink, mish, gelu (both forms). Rust's std has no erf, so an f64
//! `erfc` is written here (series and continued fraction, about 1e-15
//! relative; checked against mpmath at a few hundred points).

use super::{choice, sigma};
use simd_activations::Activation;

/// `x - tanh x` without the cancellation near 0.
fn tanhshrink(x: f64) -> f64 {
    if x.abs() >= 0.5 {
        return x - x.tanh();
    }
    // x - tanh x = sum of C[k]·x^(2k+3); the terms fall by x²/2.47 each.
    const C: [f64; 15] = [
        0.333_333_333_333_333_3,
        -0.133_333_333_333_333_33,
        0.053_968_253_968_253_97,
        -0.021_869_488_536_155_203,
        0.008_863_235_529_902_197,
        -0.003_592_128_036_572_481,
        0.001_455_834_387_051_318_3,
        -0.000_590_027_440_945_586,
        0.000_239_129_114_243_552_48,
        -0.000_096_915_379_569_294_51,
        0.000_039_278_323_883_316_83,
        -0.000_015_918_905_069_328_965,
        6.451_689_215_655_431e-6,
        -2.614_771_151_290_754_6e-6,
        1.059_726_832_010_465_4e-6,
    ];
    let x2 = x * x;
    let mut s = 0.0;
    for c in C.iter().rev() {
        s = s * x2 + c;
    }
    x * x2 * s
}

/// `ln(1 + e^x)` without overflow.
fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// `erf(z)` for `|z| <= 2` by its Taylor series (the alternating terms stay
/// below e^(z²) = 55, so about 1e-14 absolute).
fn erf_series(z: f64) -> f64 {
    let z2 = z * z;
    let (mut term, mut sum) = (z, z);
    let mut n = 0.0;
    loop {
        n += 1.0;
        term *= -z2 / n;
        let add = term / (2.0 * n + 1.0);
        sum += add;
        if add.abs() <= 1e-17 * sum.abs() {
            break;
        }
    }
    sum * core::f64::consts::FRAC_2_SQRT_PI
}

/// `erfc(z)` to about 1e-15 relative for `z >= 2` (Laplace's continued
/// fraction `e^-z²/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...))))`,
/// evaluated from the tail), 1e-12 relative below (via the series).
pub fn erfc(z: f64) -> f64 {
    if z.is_nan() {
        return z;
    }
    if z < 0.0 {
        return 2.0 - erfc(-z);
    }
    if z < 2.0 {
        return 1.0 - erf_series(z);
    }
    if z > 27.5 {
        return 0.0;
    }
    let terms = if z < 4.0 { 200 } else { 60 };
    let mut f = z;
    for k in (1..=terms).rev() {
        f = z + (k as f64 / 2.0) / f;
    }
    (-z * z).exp() / core::f64::consts::PI.sqrt() / f
}

/// The standard normal CDF Φ(x), with relative accuracy in the lower tail.
fn phi_cdf(x: f64) -> f64 {
    0.5 * erfc(-x * core::f64::consts::FRAC_1_SQRT_2)
}

/// The standard normal density φ(x).
fn phi_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * core::f64::consts::PI).sqrt()
}

/// √(2/π) and the cubic coefficient of gelu's tanh form.
const GELU_K: f64 = 0.797_884_560_802_865_4;
const GELU_A: f64 = 0.044_715;

pub fn forward(act: &Activation, x: f64) -> Option<f64> {
    Some(match act.name() {
        "tanh" => x.tanh(),
        "tanhshrink" => tanhshrink(x),
        "mish" => {
            if x == f64::NEG_INFINITY {
                0.0
            } else {
                x * softplus(x).tanh()
            }
        }
        "gelu" => match choice(act, "approximate") {
            "tanh" => {
                // x/2·(1 + tanh u) = x·σ(2u): no cancellation for x < 0.
                if x.is_infinite() {
                    x.max(0.0)
                } else {
                    x * sigma(2.0 * GELU_K * (x + GELU_A * x * x * x))
                }
            }
            _ => {
                if x.is_infinite() {
                    x.max(0.0)
                } else {
                    x * phi_cdf(x)
                }
            }
        },
        _ => return None,
    })
}

pub fn backward(act: &Activation, x: f64, dy: f64) -> Option<f64> {
    Some(match act.name() {
        "tanh" => {
            // sech²x = 1/cosh²x, no cancellation.
            let c = x.cosh();
            dy / (c * c)
        }
        "tanhshrink" => {
            let t = x.tanh();
            dy * t * t
        }
        "mish" => {
            if x.is_infinite() {
                return Some(if x > 0.0 { dy } else { 0.0 * dy });
            }
            let t = softplus(x).tanh();
            dy * (t + x * sigma(x) * (1.0 - t * t))
        }
        "gelu" => {
            if x.is_infinite() {
                return Some(if x > 0.0 { dy } else { 0.0 * dy });
            }
            match choice(act, "approximate") {
                "tanh" => {
                    let two_u = 2.0 * GELU_K * (x + GELU_A * x * x * x);
                    let du = GELU_K * (1.0 + 3.0 * GELU_A * x * x);
                    let s = sigma(two_u);
                    dy * (s + x * s * sigma(-two_u) * 2.0 * du)
                }
                _ => dy * (phi_cdf(x) + x * phi_pdf(x)),
            }
        }
        _ => return None,
    })
}

pub fn backward_from_output(act: &Activation, y: f64, dy: f64) -> Option<f64> {
    Some(match act.name() {
        "tanh" => dy * (1.0 - y * y),
        _ => return None,
    })
}
