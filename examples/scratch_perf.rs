use simd_activations::*;
use std::time::Instant;
fn main() {
    let n = 1 << 20;
    let x: Vec<f32> = (0..n)
        .map(|i| ((i * 7919) % 16001) as f32 / 1000.0 - 8.0)
        .collect();
    let dy: Vec<f32> = (0..n)
        .map(|i| ((i * 104729) % 2001) as f32 / 1000.0 - 1.0)
        .collect();
    let mut y = vec![0.0f32; n];
    let mut dx = vec![0.0f32; n];
    let which = std::env::args().nth(1).unwrap_or_default();
    let only = std::env::args().nth(2);
    let reps = 20;
    for b in Backend::supported() {
        if only.as_deref().is_some_and(|o| o != b.name()) {
            continue;
        }
        let e = Executor::with_backend(b).unwrap().serial();
        let t = Instant::now();
        for _ in 0..reps {
            match which.as_str() {
                "rrelu" => Rrelu::default()
                    .training(1)
                    .on(e)
                    .forward(&x, &mut y)
                    .unwrap(),
                "rrelub" => Rrelu::default()
                    .training(1)
                    .on(e)
                    .backward(&x, &dy, &mut dx)
                    .unwrap(),
                "noisy" => NoisyRelu { std: 0.1 }
                    .training(1)
                    .on(e)
                    .forward(&x, &mut y)
                    .unwrap(),
                "softmax" => e
                    .forward_rows(&Softmax::default(), &x, &mut y, 1024)
                    .unwrap(),
                "logsoftmax" => e
                    .forward_rows(&LogSoftmax::default(), &x, &mut y, 1024)
                    .unwrap(),
                "softmaxb" => e
                    .backward_rows(&Softmax::default(), &x, &dy, &mut dx, 1024)
                    .unwrap(),
                "softmaxo" => e
                    .backward_from_output_rows(&Softmax::default(), &x, &dy, &mut dx, 1024)
                    .unwrap(),
                "prelu" => {
                    let w = [0.25f32; 64];
                    let p = Prelu::per_channel(
                        &w,
                        Layout::ChannelsFirst {
                            channels: 64,
                            inner: 1024,
                        },
                    )
                    .unwrap()
                    .on(e);
                    let mut dw = [0.0; 64];
                    p.backward(&x, &dy, &mut dx, &mut dw).unwrap()
                }
                "prelul" => {
                    let w = [0.25f32; 64];
                    let p = Prelu::per_channel(&w, Layout::ChannelsLast { channels: 64 })
                        .unwrap()
                        .on(e);
                    let mut dw = [0.0; 64];
                    p.backward(&x, &dy, &mut dx, &mut dw).unwrap()
                }
                "prelulf" => {
                    let w = [0.25f32; 64];
                    let p = Prelu::per_channel(&w, Layout::ChannelsLast { channels: 64 })
                        .unwrap()
                        .on(e);
                    p.forward(&x, &mut y).unwrap()
                }
                "maxout2" => e.forward(&Maxout { k: 2 }, &x, &mut y[..n / 2]).unwrap(),
                "maxout4" => e.forward(&Maxout { k: 4 }, &x, &mut y[..n / 4]).unwrap(),
                _ => e.forward(&Relu, &x, &mut y).unwrap(),
            }
        }
        println!(
            "{which} {b}: {:.3} ns/elem",
            t.elapsed().as_secs_f64() * 1e9 / (reps * n) as f64
        );
    }
}
