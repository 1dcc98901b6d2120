//! Results never depend on how a call runs: backend, position in the
//! buffer, length, alignment, in-place or not, serial or parallel.

use crate::common;

use common::*;
use simd_activations::{Activation, ActivationFn, Backend, Error, Executor};

/// Forward, backward and (where defined) backward-from-output of `act` on
/// `exec`, as raw bits.
fn all_passes(exec: &Executor, act: &Activation, x: &[f32], dy: &[f32]) -> Vec<Vec<u32>> {
    let mut y = vec![0.0; x.len()];
    exec.forward(act, x, &mut y).unwrap();
    let mut dx = vec![0.0; x.len()];
    exec.backward(act, x, dy, &mut dx).unwrap();
    let mut out = vec![bits(&y), bits(&dx)];
    if act.supports_backward_from_output() {
        exec.backward_from_output(act, &y, dy, &mut dx).unwrap();
        out.push(bits(&dx));
    }
    out
}

/// Raw bits, with every NaN mapped to one pattern: backends agree on which
/// results are NaN, not on NaN payloads (x86 propagates an operand's
/// payload, the exact-FMA emulation and operand order may pick another).
fn bits(v: &[f32]) -> Vec<u32> {
    v.iter()
        .map(|f| if f.is_nan() { 0x7FC0_0000 } else { f.to_bits() })
        .collect()
}

fn inputs(act: &Activation, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut x = special_inputs(act);
    x.extend(random_inputs(seed).into_iter().step_by(8));
    let dy = gradients(x.len(), seed + 1);
    (x, dy)
}

#[test]
fn every_backend_gives_identical_bits() {
    let execs = executors();
    let scalar = &execs[0];
    assert_eq!(scalar.backend(), Backend::Scalar);
    for act in all_examples() {
        let (x, dy) = inputs(&act, 11);
        let want = all_passes(scalar, &act, &x, &dy);
        for exec in &execs[1..] {
            let got = all_passes(exec, &act, &x, &dy);
            for (pass, (g, w)) in got.iter().zip(&want).enumerate() {
                let first = g.iter().zip(w).position(|(a, b)| a != b);
                assert!(
                    first.is_none(),
                    "{act} pass {pass} on {} differs from scalar at x={:?}: {:?} vs {:?}",
                    exec.backend(),
                    x[first.unwrap()],
                    f32::from_bits(g[first.unwrap()]),
                    f32::from_bits(w[first.unwrap()]),
                );
            }
        }
    }
}

#[test]
fn every_length_and_offset_gives_the_same_elementwise_result() {
    // Each element computed alone (length 1) is the reference; a buffer of
    // any length at any alignment must reproduce it, body and tail alike.
    for exec in executors() {
        for act in all_examples() {
            let (x, dy) = inputs(&act, 23);
            let x = &x[..103];
            let dy = &dy[..103];
            let alone: Vec<Vec<Vec<u32>>> = (0..x.len())
                .map(|i| all_passes(&exec, &act, &x[i..i + 1], &dy[i..i + 1]))
                .collect();
            for offset in 0..3 {
                for len in 0..=100 {
                    let xs = &x[offset..offset + len];
                    let gs = &dy[offset..offset + len];
                    let got = all_passes(&exec, &act, xs, gs);
                    for (pass, g) in got.iter().enumerate() {
                        for (i, bits) in g.iter().enumerate() {
                            assert_eq!(
                                *bits,
                                alone[offset + i][pass][0],
                                "{act} on {} pass {pass}, len {len} offset {offset} index {i}",
                                exec.backend()
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn in_place_equals_out_of_place() {
    for exec in executors() {
        for act in all_examples() {
            let (x, _) = inputs(&act, 31);
            let mut y = vec![0.0; x.len()];
            exec.forward(&act, &x, &mut y).unwrap();
            let mut z = x.clone();
            exec.forward_inplace(&act, &mut z).unwrap();
            assert_eq!(bits(&y), bits(&z), "{act} on {}", exec.backend());
        }
    }
}

#[test]
fn backward_in_place_equals_out_of_place() {
    for exec in executors() {
        for act in all_examples() {
            let (x, dy) = inputs(&act, 37);
            // Every length's tail too: the in-place loop has its own tail.
            for n in [x.len(), 0, 1, 7, 8, 9, 15, 16, 17, 33, 100] {
                let (x, dy) = (&x[..n], &dy[..n]);
                let mut dx = vec![0.0; n];
                exec.backward(&act, x, dy, &mut dx).unwrap();
                let mut g = dy.to_vec();
                exec.backward_inplace(&act, x, &mut g).unwrap();
                assert_eq!(bits(&dx), bits(&g), "{act} on {}, n = {n}", exec.backend());
                if act.supports_backward_from_output() {
                    let mut y = vec![0.0; n];
                    exec.forward(&act, x, &mut y).unwrap();
                    exec.backward_from_output(&act, &y, dy, &mut dx).unwrap();
                    let mut g = dy.to_vec();
                    exec.backward_from_output_inplace(&act, &y, &mut g).unwrap();
                    assert_eq!(bits(&dx), bits(&g), "{act} from y on {}", exec.backend());
                } else {
                    let mut g = dy.to_vec();
                    let err = exec.backward_from_output_inplace(&act, x, &mut g);
                    assert!(
                        matches!(err, Err(Error::BackwardFromOutputUnsupported { .. })),
                        "{act}: {err:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn backward_in_place_for_rows_and_its_errors() {
    let exec = Executor::global().unwrap();
    let mut rng = Rng::new(41);
    let x: Vec<f32> = (0..120).map(|_| rng.range(-4.0, 4.0) as f32).collect();
    let dy = gradients(x.len(), 42);
    for act in ["softmax", "log_softmax"] {
        let act: Activation = act.parse().unwrap();
        // The 1-D methods treat the buffer as one row.
        let mut one_row = vec![0.0; x.len()];
        exec.backward(&act, &x, &dy, &mut one_row).unwrap();
        let mut g = dy.clone();
        exec.backward_inplace(&act, &x, &mut g).unwrap();
        assert_eq!(bits(&one_row), bits(&g), "{act}");
        let mut y = vec![0.0; x.len()];
        exec.forward(&act, &x, &mut y).unwrap();
        exec.backward_from_output(&act, &y, &dy, &mut one_row)
            .unwrap();
        let mut g = dy.clone();
        exec.backward_from_output_inplace(&act, &y, &mut g).unwrap();
        assert_eq!(bits(&one_row), bits(&g), "{act} from y");
    }
    // maxout's dy is k times shorter than its dx: no in-place form.
    let maxout: Activation = "maxout(k=2)".parse().unwrap();
    let mut g = vec![0.0; 8];
    let err = exec
        .backward_inplace(&maxout, &[0.0; 8], &mut g)
        .unwrap_err();
    assert!(err.to_string().contains("in place"), "{err}");
    // Lengths must match, and the message names both.
    let relu: Activation = "relu".parse().unwrap();
    let err = exec
        .backward_inplace(&relu, &[0.0; 5], &mut [0.0; 4])
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains('5') && msg.contains('4') && msg.contains("dy_dx"),
        "{msg}"
    );
}

#[test]
fn parallel_equals_serial_in_pools_of_two_and_three() {
    let n = (1 << 18) + 13;
    let mut rng = Rng::new(5);
    let x: Vec<f32> = (0..n).map(|_| rng.range(-8.0, 8.0) as f32).collect();
    let dy = gradients(n, 6);
    for threads in [2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for backend in Backend::supported() {
            let serial = Executor::with_backend(backend).unwrap().serial();
            // Split everything into small chunks so many threads take part.
            let parallel = serial
                .parallel()
                .with_min_parallel_len(0)
                .with_chunk_len(4096)
                .unwrap();
            for act in all_examples() {
                let want = all_passes(&serial, &act, &x, &dy);
                let got = pool.install(|| all_passes(&parallel, &act, &x, &dy));
                assert!(got == want, "{act} on {backend}, {threads} threads");
                let mut a = x.clone();
                let mut b = x.clone();
                serial.forward_inplace(&act, &mut a).unwrap();
                pool.install(|| parallel.forward_inplace(&act, &mut b))
                    .unwrap();
                assert!(bits(&a) == bits(&b), "{act} in place on {backend}");
                let mut a = dy.clone();
                let mut b = dy.clone();
                serial.backward_inplace(&act, &x, &mut a).unwrap();
                pool.install(|| parallel.backward_inplace(&act, &x, &mut b))
                    .unwrap();
                assert!(bits(&a) == bits(&b), "{act} backward in place on {backend}");
            }
        }
    }
}

/// The split from a caller outside every pool (the global one then runs
/// the helpers, the caller takes chunks itself) and from calls nested in a
/// parallel loop of a pool of two (each call's helpers queue behind the
/// loop's own work; the callers wait by working, so nothing deadlocks):
/// the bits of the serial call either way.
#[test]
fn split_from_outside_the_pool_and_nested_in_one() {
    use rayon::prelude::*;
    let n = (1 << 16) + 13;
    let mut rng = Rng::new(11);
    let x: Vec<f32> = (0..n).map(|_| rng.range(-8.0, 8.0) as f32).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    for backend in Backend::supported() {
        let serial = Executor::with_backend(backend).unwrap().serial();
        let parallel = serial
            .parallel()
            .with_min_parallel_len(0)
            .with_chunk_len(1024)
            .unwrap();
        for spec in ["relu", "sigmoid", "gelu"] {
            let act: Activation = spec.parse().unwrap();
            let mut want = vec![0.0; n];
            serial.forward(&act, &x, &mut want).unwrap();
            let mut got = vec![0.0; n];
            parallel.forward(&act, &x, &mut got).unwrap();
            assert!(bits(&got) == bits(&want), "{act} on {backend}, outside");
            let mut outs = vec![vec![0.0; n]; 6];
            pool.install(|| {
                outs.par_iter_mut()
                    .for_each(|y| parallel.forward(&act, &x, y).unwrap())
            });
            for y in &outs {
                assert!(bits(y) == bits(&want), "{act} on {backend}, nested");
            }
        }
    }
}

/// The default executor splits from 1 Mi elements, transcendental
/// activations in 16 Ki chunks and the others in 64 Ki: at 2·1 Mi + 13
/// elements in a pool of two, on every backend, every bit agrees with the
/// serial call, plain, in place and with a bias.
#[test]
fn the_default_split_changes_no_bit() {
    let n = 2 * (1 << 20) + 13;
    let mut rng = Rng::new(9);
    let x: Vec<f32> = (0..n).map(|_| rng.range(-12.0, 12.0) as f32).collect();
    let dy = gradients(n, 10);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    // 15 features: 2·1 Mi + 13 = 15 · 139811.
    let bias: Vec<f32> = (0..15).map(|i| i as f32 / 10.0 - 0.7).collect();
    for backend in Backend::supported() {
        let default = Executor::with_backend(backend).unwrap();
        let serial = default.serial();
        for spec in [
            "sigmoid",
            "gelu",
            "gelu(approximate=tanh)",
            "silu",
            "elu",
            "relu",
        ] {
            let act: Activation = spec.parse().unwrap();
            let want = all_passes(&serial, &act, &x, &dy);
            let got = pool.install(|| all_passes(&default, &act, &x, &dy));
            assert!(got == want, "{act} on {backend}");
            let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
            serial.forward_bias(&act, &x, &bias, &mut a).unwrap();
            pool.install(|| default.forward_bias(&act, &x, &bias, &mut b))
                .unwrap();
            assert!(bits(&a) == bits(&b), "{act} with a bias on {backend}");
            let (mut a, mut b) = (x.clone(), x.clone());
            serial.forward_inplace(&act, &mut a).unwrap();
            pool.install(|| default.forward_inplace(&act, &mut b))
                .unwrap();
            assert!(bits(&a) == bits(&b), "{act} in place on {backend}");
        }
    }
}

#[test]
fn the_default_executor_agrees_with_an_explicit_one() {
    let x: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) / 37.0).collect();
    for act in all_examples() {
        let mut a = vec![0.0; x.len()];
        let mut b = vec![0.0; x.len()];
        act.forward(&x, &mut a).unwrap();
        Executor::with_backend(Backend::Scalar)
            .unwrap()
            .forward(&act, &x, &mut b)
            .unwrap();
        assert_eq!(bits(&a), bits(&b), "{act}");
    }
}

#[test]
fn unavailable_backends_are_errors() {
    for backend in Backend::ALL {
        match Executor::with_backend(backend) {
            Ok(exec) => {
                assert!(backend.is_supported());
                assert_eq!(exec.backend(), backend);
            }
            Err(e) => {
                assert!(!backend.is_supported());
                assert!(matches!(e, Error::BackendUnavailable { .. }));
                let msg = e.to_string();
                assert!(
                    msg.contains(backend.name()) && msg.contains("scalar"),
                    "{msg}"
                );
            }
        }
    }
    assert!(Backend::Scalar.is_supported() && Backend::Portable.is_supported());
    assert!(Backend::detected().is_supported());
}

#[test]
fn chunk_len_must_be_whole_cache_lines() {
    let exec = Executor::with_backend(Backend::Scalar).unwrap();
    for bad in [0, 1, 15, 17, 1000] {
        let e = exec.with_chunk_len(bad).unwrap_err().to_string();
        assert!(
            e.contains("chunk_len") && e.contains(&bad.to_string()),
            "{e}"
        );
    }
    assert_eq!(exec.with_chunk_len(64).unwrap().chunk_len(), 64);
}

#[test]
fn streaming_stores_change_no_bit() {
    // Outputs at every offset from a vector boundary (the streaming path
    // writes a masked head, aligned vectors, then a tail), serial and split
    // into chunks, against ordinary stores.
    use simd_activations::Stores;
    for exec in executors() {
        let cached = exec.with_stores(Stores::Cached);
        let streaming = exec.with_stores(Stores::Streaming);
        for act in all_examples().into_iter().step_by(3) {
            let (x, dy) = inputs(&act, 31);
            let n = x.len().min(300);
            for offset in 0..17 {
                for len in [0, 1, 7, 8, 9, 16, 17, 33, 64, 100, n - offset] {
                    let (xs, gs) = (&x[offset..offset + len], &dy[..len]);
                    let want = all_passes(&cached, &act, xs, gs);
                    // Outputs offset too: all_passes allocates fresh ones,
                    // so shift them by writing into a larger buffer.
                    let mut y = vec![0.0f32; len + offset];
                    streaming.forward(&act, xs, &mut y[offset..]).unwrap();
                    assert_eq!(
                        bits(&y[offset..]),
                        want[0],
                        "{act} forward len {len} offset {offset}"
                    );
                    let mut dx = vec![0.0f32; len + offset];
                    streaming.backward(&act, xs, gs, &mut dx[offset..]).unwrap();
                    assert_eq!(
                        bits(&dx[offset..]),
                        want[1],
                        "{act} backward len {len} offset {offset}"
                    );
                }
            }
            // Split into 48-element chunks on a 3-thread pool.
            let split = streaming
                .with_min_parallel_len(0)
                .with_chunk_len(48)
                .unwrap();
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(3)
                .build()
                .unwrap();
            let got = pool.install(|| all_passes(&split, &act, &x, &dy));
            assert_eq!(
                got,
                all_passes(&cached.serial(), &act, &x, &dy),
                "{act} split"
            );
        }
    }
    // Auto streams from the threshold up: with a threshold of 0 every call
    // streams, and the bits still agree.
    let exec = Executor::new().unwrap().with_streaming_min_len(0);
    assert_eq!(exec.stores(), Stores::Auto);
    let act: Activation = "gelu".parse().unwrap();
    let (x, dy) = inputs(&act, 5);
    assert_eq!(
        all_passes(&exec, &act, &x, &dy),
        all_passes(&exec.with_stores(Stores::Cached), &act, &x, &dy)
    );
}

#[test]
fn streaming_stores_change_no_bit_in_the_typed_apis() {
    // The per-channel forward, the training passes and the fused bias
    // forward stream whole cache lines (pieces of 1024 elements and more)
    // and write both ends with ordinary stores; outputs at every offset
    // from a line boundary, lengths with ragged ends, serial and split,
    // against ordinary stores.
    use simd_activations::{Layout, NoisyRelu, Prelu, Rrelu, Stores};
    let gelu: Activation = "gelu(approximate=tanh)".parse().unwrap();
    // Runs of 1100, rows of 1200 positions, rows of 1100 channels; two
    // samples each.
    let layouts = [
        Layout::ChannelsFirst {
            channels: 3,
            inner: 1100,
        },
        Layout::ChannelsFirst {
            channels: 40,
            inner: 30,
        },
        Layout::ChannelsLast { channels: 1100 },
    ];
    let mut rng = Rng::new(7);
    let x: Vec<f32> = (0..6600).map(|_| rng.range(-4.0, 4.0) as f32).collect();
    let dy = gradients(x.len(), 8);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    for exec in executors() {
        let split = exec.with_min_parallel_len(0).with_chunk_len(1024).unwrap();
        for base in [exec.serial(), split] {
            let cached = base.with_stores(Stores::Cached);
            let streaming = base.with_stores(Stores::Streaming);
            for offset in 0..17 {
                let run = |len: usize, f: &(dyn Fn(&mut [f32]) + Sync)| -> Vec<u32> {
                    let mut out = vec![0.0f32; len + offset];
                    pool.install(|| f(&mut out[offset..]));
                    bits(&out[offset..])
                };
                let same = |got: Vec<Vec<u32>>, want: Vec<Vec<u32>>, what: &str| {
                    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                        let at = g.iter().zip(w).position(|(a, b)| a != b);
                        assert!(
                            at.is_none(),
                            "{what} #{k} offset {offset}: first difference at {at:?} on {base:?}"
                        );
                    }
                };
                for layout in layouts {
                    let len = 2 * match layout {
                        Layout::ChannelsFirst { channels, inner } => channels * inner,
                        Layout::ChannelsLast { channels } => channels,
                    };
                    let weights: Vec<f32> = (0..layout.channels())
                        .map(|c| 0.01 * c as f32 - 0.2)
                        .collect();
                    let forward = |e: Executor| {
                        let p = Prelu::per_channel(&weights, layout).unwrap().on(e);
                        vec![run(len, &|y| p.forward(&x[..len], y).unwrap())]
                    };
                    same(
                        forward(streaming),
                        forward(cached),
                        &format!("prelu {layout:?}"),
                    );
                }
                // Ragged: 6600 is no whole number of lines.
                let (rrelu, noisy) = (
                    Rrelu {
                        lower: 0.1,
                        upper: 0.3,
                    },
                    NoisyRelu { std: 0.5 },
                );
                let passes = |e: Executor| {
                    let n = x.len();
                    let r = rrelu.training(9).with_offset(3).on(e);
                    let z = noisy.training(4).on(e);
                    let (mut y, mut noise) = (vec![0.0f32; n], vec![0.0f32; n]);
                    z.forward_with_noise(&x, &mut y, &mut noise).unwrap();
                    vec![
                        run(n, &|y| r.forward(&x, y).unwrap()),
                        run(n, &|d| r.backward(&x, &dy, d).unwrap()),
                        run(n, &|d| r.backward_from_output(&x, &dy, d).unwrap()),
                        run(n, &|y| z.forward(&x, y).unwrap()),
                        run(n, &|d| z.backward_with_noise(&x, &noise, &dy, d).unwrap()),
                        run(n, &|y| e.forward_bias(&gelu, &x, &dy[..1100], y).unwrap()),
                    ]
                };
                same(passes(streaming), passes(cached), "training and bias");
            }
        }
    }
}
