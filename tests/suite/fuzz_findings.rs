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
