//! A bf16 layer's activation and its gradient, computed in f32 and stored
//! as bf16, next to the f32 path, with the conversion code this CPU uses.
//!
//! `cargo run --release --features half --example bf16`

use simd_activations::half::bf16;
use simd_activations::{Activation, Executor};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let exec = Executor::global()?;
    println!(
        "backend {}, bf16 conversions: {}",
        exec.backend(),
        exec.half_conversion::<bf16>()
    );

    // Pre-activations of a layer, as a bf16 tensor.
    let n = 1 << 20;
    let xf: Vec<f32> = (0..n).map(|i| (i as f32 / n as f32) * 8.0 - 4.0).collect();
    let x: Vec<bf16> = xf.iter().map(|&v| bf16::from_f32(v)).collect();
    let dy = vec![bf16::ONE; n];

    let gelu: Activation = "gelu(approximate=tanh)".parse()?;
    let (mut y, mut dx) = (vec![bf16::ZERO; n], vec![bf16::ZERO; n]);
    exec.forward_half(&gelu, &x, &mut y)?;
    exec.backward_half(&gelu, &x, &dy, &mut dx)?;

    // The f32 path on the bf16 values: the half call equals it rounded once.
    let x32: Vec<f32> = x.iter().map(|v| v.to_f32()).collect();
    let mut y32 = vec![0.0f32; n];
    exec.forward(&gelu, &x32, &mut y32)?;
    let same = y
        .iter()
        .zip(&y32)
        .all(|(h, &f)| h.to_bits() == bf16::from_f32(f).to_bits());
    // How far bf16 storage moves the result from the f32 one, relatively.
    let worst = y
        .iter()
        .zip(&y32)
        .filter(|(_, f)| f.abs() > 1e-3)
        .map(|(h, f)| ((h.to_f32() - f) / f).abs())
        .fold(0.0f32, f32::max);
    println!("gelu over {n} bf16 values: bits equal to f32-then-round: {same}");
    println!("largest relative difference from the f32 result (|y| > 1e-3): {worst:.2e} (bf16 keeps 8 significant bits: at most 2^-8 = 3.91e-3)");
    for i in [0, n / 4, n / 2, 3 * n / 4, n - 1] {
        println!(
            "  x = {:>8}  gelu = {:>10}  dgelu/dx = {:>8}",
            x[i], y[i], dx[i]
        );
    }
    assert!(same && worst <= 1.0 / 256.0);
    Ok(())
}
