//! One training step of a linear layer with a per-channel PReLU, the way a
//! training loop uses the crate: forward, backward with the PReLU weight
//! gradient, and an SGD update of the slopes. The weight gradient has the
//! same bits for any thread count.
//!
//! `cargo run --release --example training_step`

use simd_activations::{Layout, Prelu};

/// `out[b, o] = Σ_i x[b, i] w[o, i] + bias[o]`.
fn linear(x: &[f32], w: &[f32], bias: &[f32], inputs: usize, out: &mut [f32]) {
    let outputs = bias.len();
    for (xb, ob) in x.chunks(inputs).zip(out.chunks_mut(outputs)) {
        for (o, v) in ob.iter_mut().enumerate() {
            let row = &w[o * inputs..(o + 1) * inputs];
            *v = bias[o] + xb.iter().zip(row).map(|(a, b)| a * b).sum::<f32>();
        }
    }
}

fn main() -> Result<(), simd_activations::Error> {
    let (batch, inputs, features) = (256, 32, 64);
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    };
    let x: Vec<f32> = (0..batch * inputs).map(|_| rand()).collect();
    let w: Vec<f32> = (0..features * inputs).map(|_| rand() * 0.3).collect();
    let mut bias = vec![0.0f32; features];
    let target: Vec<f32> = (0..batch * features).map(|_| rand()).collect();

    // The activation's weights: one per feature, channels last ([batch, features]).
    let mut slopes = vec![0.25f32; features];
    let layout = Layout::channels_last(&[batch, features])?;

    for step in 0..5 {
        let mut h = vec![0.0f32; batch * features];
        linear(&x, &w, &bias, inputs, &mut h);
        let prelu = Prelu::per_channel(&slopes, layout)?;
        let mut y = vec![0.0f32; h.len()];
        prelu.forward(&h, &mut y)?;

        // Mean squared error and its gradient dL/dy.
        let n = y.len() as f32;
        let loss: f32 = y
            .iter()
            .zip(&target)
            .map(|(a, t)| (a - t) * (a - t))
            .sum::<f32>()
            / n;
        let g: Vec<f32> = y
            .iter()
            .zip(&target)
            .map(|(a, t)| 2.0 * (a - t) / n)
            .collect();

        // dL/dh and dL/d(slope): prelu's backward (dx into its own buffer)
        // with the per-channel weight gradient.
        let mut dh = vec![0.0f32; g.len()];
        let mut dslopes = vec![0.0f32; features];
        prelu.backward(&h, &g, &mut dh, &mut dslopes)?;

        // Reproducible: a 1-thread pool gives the same weight gradient bits.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let mut again = vec![0.0f32; features];
        pool.install(|| prelu.backward(&h, &g, &mut dh, &mut again))?;
        assert_eq!(dslopes, again);

        // SGD on the slopes and on the layer's bias (db = Σ over the batch of dh).
        let lr = 2.0;
        for (s, d) in slopes.iter_mut().zip(&dslopes) {
            *s -= lr * d;
        }
        for row in dh.chunks(features) {
            for (b, d) in bias.iter_mut().zip(row) {
                *b -= lr * d;
            }
        }
        println!(
            "step {step}: loss {loss:.5}, mean slope {:.5}",
            slopes.iter().sum::<f32>() / features as f32
        );
    }
    Ok(())
}
