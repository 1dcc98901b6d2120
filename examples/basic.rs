//! The basics: a typed activation, one from a spec string, forward and
//! backward, a chosen backend, and what mistakes look like.
//!
//! `cargo run --release --example basic`

use simd_activations::{Activation, ActivationFn, Backend, Executor, Gelu, LeakyRelu};

fn main() -> Result<(), simd_activations::Error> {
    let x: Vec<f32> = (-4..=4).map(|i| i as f32 * 0.75).collect();
    let mut y = vec![0.0f32; x.len()];

    // Typed structs carry their parameters.
    LeakyRelu {
        negative_slope: 0.1,
    }
    .forward(&x, &mut y)?;
    println!("leaky_relu(0.1): {y:?}");

    Gelu { tanh: false }.forward(&x, &mut y)?;
    println!("gelu:            {y:?}");

    // Activations named in a config file parse from spec strings.
    let act: Activation = "softplus(beta=2, threshold=10)".parse()?;
    act.forward(&x, &mut y)?;
    println!("{act}: {y:?}");

    // Backward from the input, then in place over the incoming gradient.
    let dy = vec![1.0f32; x.len()];
    let mut dx = vec![0.0f32; x.len()];
    act.backward(&x, &dy, &mut dx)?;
    let mut g = dy.clone();
    act.backward_inplace(&x, &mut g)?;
    assert_eq!(dx, g);
    println!("d/dx {act}: {dx:?}");

    // Every backend this CPU has gives the same bits.
    for backend in Backend::supported() {
        let exec = Executor::with_backend(backend)?;
        let mut z = vec![0.0f32; x.len()];
        exec.forward(&act, &x, &mut z)?;
        assert_eq!(z, y, "{backend}");
    }
    println!(
        "backends {:?} agree; detection picks {}",
        Backend::supported(),
        Backend::detected()
    );

    // The catalogue, with parameters and defaults.
    let names: Vec<&str> = simd_activations::activations().map(|i| i.name).collect();
    println!("{} activations: {}", names.len(), names.join(", "));

    // Mistakes are errors that say what is wrong.
    let err = act.forward(&x, &mut y[..3]).unwrap_err();
    println!("error: {err}");
    let err = "elu(alpha=1, beta=2)".parse::<Activation>().unwrap_err();
    println!("error: {err}");
    Ok(())
}
