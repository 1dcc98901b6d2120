//! Regressions found by `cargo fuzz run kernels_vs_reference` (README
//! "Fuzzing and Miri"), each checked on every backend against the f64
//! reference.

use crate::common;
use crate::reference;

use common::executors;
use reference::sweep::ulps;
use simd_activations::Activation;

/// softplus with a denormal beta: ln(1 + e^(βx))/β overflows f32 near
/// x = 0, so the result is +inf (and x + inf above 0). The kernel's
/// remainder correction of the quotient computed inf - inf = NaN there.
#[test]
fn softplus_with_a_tiny_beta_overflows_to_infinity_not_nan() {
    for beta in [1.64e-43f32, -1.64e-43, 1e-39, f32::from_bits(1)] {
        let act: Activation = format!("softplus(beta={beta:?})").parse().unwrap();
        let x = [0.0f32, -0.0, 1.0, -1.0, 1e30, -1e30, 3.0e38, -3.0e38, 1e-45];
        for exec in executors() {
            let mut y = [0.0f32; 9];
            exec.forward(&act, &x, &mut y).unwrap();
            for (i, &xi) in x.iter().enumerate() {
                let want = reference::forward(&act, xi as f64).unwrap() as f32;
                assert!(
                    ulps(y[i], want) <= 2,
                    "{act} on {}: f({xi:e}) = {:e}, want {want:e}",
                    exec.backend(),
                    y[i]
                );
            }
        }
    }
}

/// soft_exponential with a small α > 0 lost the function's root: its
/// constant ln(1 - α²) was computed as ln(1.0) = 0 in f64 once α² < 2^-53,
/// so near x = -α the result was x instead of x + α (1.5e9 ULP at α = 1e-10;
/// the fuzzer's α = 1e-40 gave NaN). It is ln_1p(-α²) now, and magnitudes
/// of α below 2^-56, where α² and αx fall into the denormals, are refused.
///
/// Still open (README, accuracy): for some small α > 0 the values next to
/// the root x = ln(1 - α²)/α, where the result is a cancellation between
/// αx and ln(1 - α²), are limited by the f32-pair constants: measured 4107
/// ULP at α = 2^-10 and 9 at 1e-5; the bounds below are those measured,
/// not 4 ULP. Negative α and the rest of the line keep 4 ULP.
#[test]
fn soft_exponential_with_a_small_alpha_keeps_its_root() {
    // (α, the bound held at and around the root)
    let cases = [
        (0.5f32, 4u64),
        // Measured 4107 and 9 ULP within 1/8 of the root: open (README).
        (2f32.powi(-10), 8192),
        (1e-5, 16),
        (1e-10, 4),
        (1.3877788e-17, 4),
        (-0.5, 4),
        (-1e-5, 4),
        (-1e-10, 4),
        (-1.3877788e-17, 4),
    ];
    for (alpha, bound) in cases {
        let act: Activation = format!("soft_exponential(alpha={alpha:?})")
            .parse()
            .unwrap();
        // Around the root x = -α (the floats next to it, then farther), and
        // ordinary values.
        let root = ((-(alpha as f64).powi(2)).ln_1p() / alpha as f64) as f32;
        let mut x: Vec<f32> = (-40i32..=40)
            .map(|i| f32::from_bits((root.to_bits() as i32 + i) as u32))
            .collect();
        x.extend((-40..=40).map(|i| root * (1.0 + i as f32 / 64.0)));
        x.extend([0.0, 1.0, -1.0, 1e10, -1e10, 3.0e30, 1e-30]);
        let mut worst = 0;
        for exec in executors() {
            let mut y = vec![0.0f32; x.len()];
            exec.forward(&act, &x, &mut y).unwrap();
            for (i, &xi) in x.iter().enumerate() {
                let Some(want) = reference::forward(&act, xi as f64) else {
                    continue;
                };
                let want = want as f32;
                if y[i].is_nan() && want.is_nan() {
                    continue;
                }
                let u = ulps(y[i], want);
                worst = worst.max(u);
                // Far from the root every α keeps the 4 ULP bound.
                let near_root = (xi - root).abs() <= root.abs() / 8.0;
                let allowed = if near_root { bound } else { 4 };
                assert!(
                    u <= allowed,
                    "{act} on {}: f({xi:e}) = {:e}, want {want:e} ({u} ULP)",
                    exec.backend(),
                    y[i]
                );
            }
        }
        println!("soft_exponential(alpha={alpha:e}): worst {worst} ULP near the root");
    }
    for alpha in [1e-40f32, -1e-40, 1e-20, -1e-17, f32::from_bits(1)] {
        let err = format!("soft_exponential(alpha={alpha:?})")
            .parse::<Activation>()
            .unwrap_err()
            .to_string();
        assert!(err.contains("alpha") && err.contains("2^-56"), "{err}");
    }
}
