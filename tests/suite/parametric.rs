//! prelu per channel, SReLU and APL: against plain f64 loops on every
//! backend and layout, parameter gradients against finite differences, and
//! gradients with identical bits for any thread count, chunking and
//! backend.

use crate::common;
use crate::reference;

use common::*;
use reference::sweep::ulps;
use simd_activations::*;

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|f| f.to_bits()).collect()
}

/// The channel of element `i`.
fn channel(layout: Layout, i: usize) -> usize {
    match layout {
        Layout::ChannelsFirst { channels, inner } => (i / inner) % channels,
        Layout::ChannelsLast { channels } => i % channels,
    }
}

/// Layouts with their element counts: both ways through the driver
/// (runs: channels-first with inner >= 64; positions otherwise), awkward
/// sizes, several samples.
fn layouts() -> Vec<(Layout, usize)> {
    let first = |n: usize, c: usize, inner: usize| {
        (
            Layout::channels_first(&[n, c, inner]).unwrap(),
            n * c * inner,
        )
    };
    let last = |n: usize, c: usize| (Layout::channels_last(&[n, c]).unwrap(), n * c);
    vec![
        first(3, 4, 1),
        first(2, 3, 5),
        first(2, 5, 63),
        first(2, 3, 64),
        first(3, 2, 100),
        first(2, 2, 5000),
        first(1, 1, 9000),
        last(50, 1),
        last(40, 3),
        last(20, 16),
        last(9, 17),
        last(3, 100),
    ]
}

fn inputs(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Rng::new(seed);
    let x = (0..n)
        .map(|i| match i % 41 {
            0 => 0.0,
            1 => -0.0,
            _ => rng.range(-4.0, 4.0) as f32,
        })
        .collect();
    let dy = (0..n).map(|_| rng.range(-2.0, 2.0) as f32).collect();
    (x, dy)
}

/// `|got - want| <= 1 ulp + 1e-12·scale`.
fn close(got: f32, want: f64, scale: f64) -> bool {
    let w = want as f32;
    ulps(got, w) <= 1 || (got as f64 - want).abs() <= 1e-12 * scale
}

#[test]
fn prelu_per_channel_matches_a_plain_f64_loop() {
    let mut rng = Rng::new(3);
    for exec in executors() {
        for (layout, n) in layouts() {
            let c = layout.channels();
            for shared in [false, true] {
                let w: Vec<f32> = if shared {
                    vec![0.3]
                } else {
                    (0..c)
                        .map(|k| {
                            if k % 5 == 4 {
                                0.0
                            } else {
                                rng.range(-1.0, 2.0) as f32
                            }
                        })
                        .collect()
                };
                let wc = |i: usize| w[if shared { 0 } else { channel(layout, i) }] as f64;
                let prelu = Prelu::per_channel(&w, layout).unwrap().on(exec);
                let (x, dy) = inputs(n, n as u64);
                let what = format!("{layout:?} shared={shared} on {}", exec.backend());
                let mut y = vec![0.0; n];
                prelu.forward(&x, &mut y).unwrap();
                let mut dx = vec![0.0; n];
                let mut dw = vec![0.0; w.len()];
                prelu.backward(&x, &dy, &mut dx, &mut dw).unwrap();
                let mut want_dw = vec![0.0f64; w.len()];
                let mut scale = vec![0.0f64; w.len()];
                for i in 0..n {
                    let (xi, gi, wi) = (x[i] as f64, dy[i] as f64, wc(i));
                    let fy = if xi > 0.0 { xi } else { wi * xi };
                    assert_eq!(ulps(y[i], fy as f32), 0, "{what} y[{i}]: x={xi} w={wi}");
                    let fdx = if xi > 0.0 { gi } else { wi * gi };
                    assert_eq!(ulps(dx[i], fdx as f32), 0, "{what} dx[{i}]");
                    let k = if shared { 0 } else { channel(layout, i) };
                    if xi <= 0.0 {
                        want_dw[k] += xi * gi;
                        scale[k] += (xi * gi).abs();
                    }
                }
                for k in 0..w.len() {
                    assert!(
                        close(dw[k], want_dw[k], scale[k]),
                        "{what} dw[{k}] = {}, want {}",
                        dw[k],
                        want_dw[k]
                    );
                }
                let mut z = x.clone();
                prelu.forward_inplace(&mut z).unwrap();
                assert_eq!(bits(&y), bits(&z), "{what} in place");
            }
        }
    }
}

#[test]
fn prelu_weight_gradient_matches_finite_differences() {
    // L(w) = Σ y·dy is linear in each w_c: the central difference is exact
    // up to rounding.
    let (layout, n) = (Layout::channels_first(&[4, 3, 70]).unwrap(), 4 * 3 * 70);
    let w = [0.2f32, -0.7, 1.5];
    let (x, dy) = inputs(n, 11);
    let prelu = Prelu::per_channel(&w, layout).unwrap();
    let (mut dx, mut dw) = (vec![0.0; n], [0.0f32; 3]);
    prelu.backward(&x, &dy, &mut dx, &mut dw).unwrap();
    let loss = |w: &[f64]| -> f64 {
        (0..n)
            .map(|i| {
                let xi = x[i] as f64;
                let y = if xi > 0.0 {
                    xi
                } else {
                    w[channel(layout, i)] * xi
                };
                y * dy[i] as f64
            })
            .sum()
    };
    for c in 0..3 {
        let h = 1e-3;
        let mut a: Vec<f64> = w.iter().map(|&v| v as f64).collect();
        let mut b = a.clone();
        a[c] += h;
        b[c] -= h;
        let fd = (loss(&a) - loss(&b)) / (2.0 * h);
        assert!(
            (dw[c] as f64 - fd).abs() <= 1e-6 * fd.abs().max(1.0),
            "dw[{c}] {} vs {fd}",
            dw[c]
        );
    }
}

#[test]
fn per_channel_prelu_with_equal_weights_is_the_elementwise_kernel() {
    for exec in executors() {
        for (layout, n) in layouts() {
            let mut x = special_inputs(&Activation::from(Relu));
            x.resize(n, 0.5);
            for weight in [0.25f32, 0.0, -0.5] {
                let w = vec![weight; layout.channels()];
                let mut a = vec![0.0; n];
                Prelu::per_channel(&w, layout)
                    .unwrap()
                    .on(exec)
                    .forward(&x, &mut a)
                    .unwrap();
                let mut b = vec![0.0; n];
                exec.forward(&Prelu { weight }, &x, &mut b).unwrap();
                assert_eq!(bits(&a), bits(&b), "{layout:?} weight {weight}");
                let mut c = vec![0.0; n];
                exec.forward(
                    &LeakyRelu {
                        negative_slope: weight,
                    },
                    &x,
                    &mut c,
                )
                .unwrap();
                assert_eq!(bits(&b), bits(&c));
            }
        }
    }
}

/// Runs `f` on every backend, serially and in pools of 2 and 3 threads
/// with several chunk lengths, and checks every result has the same bits.
fn same_everywhere<T: PartialEq + std::fmt::Debug + Send>(
    what: &str,
    f: impl Fn(Executor) -> T + Sync,
) {
    let want = f(Executor::with_backend(Backend::Scalar).unwrap().serial());
    for backend in Backend::supported() {
        let serial = Executor::with_backend(backend).unwrap().serial();
        assert!(f(serial) == want, "{what} on {backend}");
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for chunk in [4096, 65_536] {
                let par = serial
                    .parallel()
                    .with_min_parallel_len(0)
                    .with_chunk_len(chunk)
                    .unwrap();
                assert!(
                    pool.install(|| f(par)) == want,
                    "{what} on {backend}, {threads} threads, chunk {chunk}"
                );
            }
        }
    }
}

#[test]
fn gradients_have_the_same_bits_for_any_thread_count_chunking_and_backend() {
    let big = [
        (
            Layout::channels_first(&[2, 3, 300_000]).unwrap(),
            2 * 3 * 300_000,
        ),
        (
            Layout::channels_first(&[64, 16, 100]).unwrap(),
            64 * 16 * 100,
        ),
        (Layout::channels_first(&[5000, 8, 7]).unwrap(), 5000 * 8 * 7),
        (Layout::channels_last(&[20_000, 24]).unwrap(), 20_000 * 24),
    ];
    for (layout, n) in big {
        let c = layout.channels();
        let (x, dy) = inputs(n, 5);
        let w: Vec<f32> = (0..c).map(|k| 0.1 * k as f32 - 0.3).collect();
        same_everywhere(&format!("prelu {layout:?}"), |exec| {
            let p = Prelu::per_channel(&w, layout).unwrap().on(exec);
            let (mut dx, mut dw) = (vec![0.0; n], vec![0.0; c]);
            p.backward(&x, &dy, &mut dx, &mut dw).unwrap();
            (bits(&dx), bits(&dw))
        });
        // One shared weight: a single whole-buffer reduction.
        same_everywhere(&format!("prelu shared {layout:?}"), |exec| {
            let p = Prelu::per_channel(&[0.25], layout).unwrap().on(exec);
            let (mut dx, mut dw) = (vec![0.0; n], vec![0.0; 1]);
            p.backward(&x, &dy, &mut dx, &mut dw).unwrap();
            bits(&dw)
        });
        let (tl, al, tr, ar): (Vec<f32>, Vec<f32>, Vec<f32>, Vec<f32>) = (
            (0..c).map(|k| -1.0 - 0.1 * k as f32).collect(),
            vec![0.2; c],
            (0..c).map(|k| 1.0 + 0.05 * k as f32).collect(),
            vec![1.5; c],
        );
        same_everywhere(&format!("srelu {layout:?}"), |exec| {
            let s = Srelu::new(
                SreluParams {
                    t_left: &tl,
                    a_left: &al,
                    t_right: &tr,
                    a_right: &ar,
                },
                layout,
            )
            .unwrap()
            .on(exec);
            let mut dx = vec![0.0; n];
            let mut g = vec![vec![0.0f32; c]; 4];
            let [a, b, cc, d] = &mut g[..] else {
                unreachable!()
            };
            s.backward(
                &x,
                &dy,
                &mut dx,
                SreluParams {
                    t_left: a,
                    a_left: b,
                    t_right: cc,
                    a_right: d,
                },
            )
            .unwrap();
            (bits(&dx), g.iter().map(|v| bits(v)).collect::<Vec<_>>())
        });
        let a: Vec<f32> = (0..2 * c).map(|k| 0.3 - 0.07 * k as f32).collect();
        let b: Vec<f32> = (0..2 * c).map(|k| -1.0 + 0.2 * k as f32).collect();
        same_everywhere(&format!("apl {layout:?}"), |exec| {
            let apl = Apl::new(&a, &b, 2, layout).unwrap().on(exec);
            let (mut dx, mut da, mut db) = (vec![0.0; n], vec![0.0; 2 * c], vec![0.0; 2 * c]);
            apl.backward(&x, &dy, &mut dx, &mut da, &mut db).unwrap();
            (bits(&dx), bits(&da), bits(&db))
        });
    }
}

/// f64 SReLU with parameters `[t_l, a_l, t_r, a_r]`.
fn srelu_ref(x: f64, p: [f64; 4]) -> f64 {
    let [tl, al, tr, ar] = p;
    if x >= tr {
        if ar == 0.0 {
            tr
        } else {
            tr + ar * (x - tr)
        }
    } else if x <= tl {
        if al == 0.0 {
            tl
        } else {
            tl + al * (x - tl)
        }
    } else {
        x
    }
}

/// f64 APL with slopes `a` and hinges `b`.
fn apl_ref(x: f64, a: &[f64], b: &[f64]) -> f64 {
    let mut y = x.max(0.0);
    for (a, b) in a.iter().zip(b) {
        if *a != 0.0 && b - x > 0.0 {
            y += a * (b - x);
        }
    }
    y
}

#[test]
fn srelu_matches_a_plain_f64_loop_and_finite_differences() {
    let mut rng = Rng::new(21);
    for exec in executors() {
        for (layout, n) in layouts() {
            let c = layout.channels();
            let mut p: Vec<[f32; 4]> = (0..c)
                .map(|_| {
                    [
                        rng.range(-2.0, 0.0) as f32,
                        rng.range(-0.5, 1.0) as f32,
                        rng.range(0.0, 2.0) as f32,
                        rng.range(0.0, 3.0) as f32,
                    ]
                })
                .collect();
            p[0][3] = 0.0;
            let col = |k: usize| p.iter().map(|q| q[k]).collect::<Vec<f32>>();
            let (tl, al, tr, ar) = (col(0), col(1), col(2), col(3));
            let s = Srelu::new(
                SreluParams {
                    t_left: &tl,
                    a_left: &al,
                    t_right: &tr,
                    a_right: &ar,
                },
                layout,
            )
            .unwrap()
            .on(exec);
            let (x, dy) = inputs(n, 31 + n as u64);
            let mut y = vec![0.0; n];
            s.forward(&x, &mut y).unwrap();
            let mut dx = vec![0.0; n];
            let mut g = vec![vec![0.0f32; c]; 4];
            {
                let [a, b, cc, d] = &mut g[..] else {
                    unreachable!()
                };
                s.backward(
                    &x,
                    &dy,
                    &mut dx,
                    SreluParams {
                        t_left: a,
                        a_left: b,
                        t_right: cc,
                        a_right: d,
                    },
                )
                .unwrap();
            }
            let mut want = vec![[0.0f64; 4]; c];
            for i in 0..n {
                let k = channel(layout, i);
                let q = p[k].map(|v| v as f64);
                let (xi, gi) = (x[i] as f64, dy[i] as f64);
                let what = format!("{layout:?} on {} x={xi} p={q:?}", exec.backend());
                assert!(
                    ulps(y[i], srelu_ref(xi, q) as f32) <= 1,
                    "{what}: y {}",
                    y[i]
                );
                let (fdx, side) = if xi >= q[2] {
                    (q[3] * gi, Some(2))
                } else if xi <= q[0] {
                    (q[1] * gi, Some(0))
                } else {
                    (gi, None)
                };
                assert_eq!(ulps(dx[i], fdx as f32), 0, "{what}: dx");
                if let Some(s) = side {
                    want[k][s] += (1.0 - q[s + 1]) * gi;
                    want[k][s + 1] += (xi - q[s]) * gi;
                }
            }
            for k in 0..c {
                for m in 0..4 {
                    assert!(
                        (g[m][k] as f64 - want[k][m]).abs() <= 1e-5 * want[k][m].abs().max(1.0),
                        "{layout:?} grad {m} of channel {k}: {} vs {}",
                        g[m][k],
                        want[k][m]
                    );
                }
            }
            // Finite differences of L = Σ y·dy in each parameter of channel 0
            // (inputs near the thresholds are kinks; the loss is piecewise
            // linear, so a small step sees only the active pieces).
            for m in 0..4 {
                let loss = |h: f64| -> f64 {
                    (0..n)
                        .filter(|&i| channel(layout, i) == 0)
                        .map(|i| {
                            let mut q = p[0].map(|v| v as f64);
                            q[m] += h;
                            srelu_ref(x[i] as f64, q) * dy[i] as f64
                        })
                        .sum()
                };
                let h = 1e-7;
                let fd = (loss(h) - loss(-h)) / (2.0 * h);
                assert!(
                    (g[m][0] as f64 - fd).abs() <= 1e-4 * fd.abs().max(1.0),
                    "{layout:?} srelu param {m}: {} vs finite difference {fd}",
                    g[m][0]
                );
            }
        }
    }
}

#[test]
fn apl_matches_a_plain_f64_loop_and_finite_differences() {
    let mut rng = Rng::new(41);
    for exec in executors() {
        for (layout, n) in layouts() {
            let c = layout.channels();
            for hinges in [1usize, 3] {
                let a: Vec<f32> = (0..c * hinges)
                    .map(|_| rng.range(-1.0, 1.0) as f32)
                    .collect();
                let b: Vec<f32> = (0..c * hinges)
                    .map(|_| rng.range(-2.0, 2.0) as f32)
                    .collect();
                let apl = Apl::new(&a, &b, hinges, layout).unwrap().on(exec);
                let (x, dy) = inputs(n, 51 + n as u64);
                let mut y = vec![0.0; n];
                apl.forward(&x, &mut y).unwrap();
                let (mut dx, mut da, mut db) =
                    (vec![0.0; n], vec![0.0; c * hinges], vec![0.0; c * hinges]);
                apl.backward(&x, &dy, &mut dx, &mut da, &mut db).unwrap();
                let mut want_da = vec![0.0f64; c * hinges];
                let mut want_db = vec![0.0f64; c * hinges];
                for i in 0..n {
                    let k = channel(layout, i);
                    let ak: Vec<f64> = a[k * hinges..(k + 1) * hinges]
                        .iter()
                        .map(|&v| v as f64)
                        .collect();
                    let bk: Vec<f64> = b[k * hinges..(k + 1) * hinges]
                        .iter()
                        .map(|&v| v as f64)
                        .collect();
                    let (xi, gi) = (x[i] as f64, dy[i] as f64);
                    let what = format!("{layout:?} S={hinges} on {} x={xi}", exec.backend());
                    assert!(
                        ulps(y[i], apl_ref(xi, &ak, &bk) as f32) <= 1,
                        "{what}: y {}",
                        y[i]
                    );
                    let mut kx = if xi <= 0.0 { 0.0 } else { 1.0 };
                    for s in 0..hinges {
                        if bk[s] - xi > 0.0 {
                            kx -= ak[s];
                            want_da[k * hinges + s] += (bk[s] - xi) * gi;
                            want_db[k * hinges + s] += ak[s] * gi;
                        }
                    }
                    assert!(ulps(dx[i], (kx * gi) as f32) <= 1, "{what}: dx {}", dx[i]);
                }
                for j in 0..c * hinges {
                    for (got, want, name) in [(da[j], want_da[j], "da"), (db[j], want_db[j], "db")]
                    {
                        assert!(
                            (got as f64 - want).abs() <= 1e-5 * want.abs().max(1.0),
                            "{layout:?} {name}[{j}]: {got} vs {want}"
                        );
                    }
                }
                // Finite differences in each parameter of channel 0.
                for j in 0..2 * hinges {
                    let loss = |h: f64| -> f64 {
                        (0..n)
                            .filter(|&i| channel(layout, i) == 0)
                            .map(|i| {
                                let mut ak: Vec<f64> =
                                    a[..hinges].iter().map(|&v| v as f64).collect();
                                let mut bk: Vec<f64> =
                                    b[..hinges].iter().map(|&v| v as f64).collect();
                                if j < hinges {
                                    ak[j] += h
                                } else {
                                    bk[j - hinges] += h
                                }
                                apl_ref(x[i] as f64, &ak, &bk) * dy[i] as f64
                            })
                            .sum()
                    };
                    let h = 1e-7;
                    let fd = (loss(h) - loss(-h)) / (2.0 * h);
                    let got = if j < hinges { da[j] } else { db[j - hinges] } as f64;
                    assert!(
                        (got - fd).abs() <= 1e-4 * fd.abs().max(1.0),
                        "{layout:?} apl param {j}: {got} vs finite difference {fd}"
                    );
                }
            }
        }
    }
}

#[test]
fn mismatched_shapes_and_parameters_are_errors() {
    let layout = Layout::channels_first(&[2, 3, 4]).unwrap();
    let e = Prelu::per_channel(&[0.1, 0.2], layout)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("weights has 2 values") && e.contains("3 (one per channel) or 1"),
        "{e}"
    );
    assert!(Prelu::per_channel(&[f32::NAN; 3], layout).is_err());
    let p = Prelu::per_channel(&[0.1, 0.2, 0.3], layout).unwrap();
    let x = vec![0.0f32; 25];
    let mut y = vec![0.0f32; 25];
    let e = p.forward(&x, &mut y).unwrap_err().to_string();
    assert!(
        e.contains("25 elements") && e.contains("3 channels × 4"),
        "{e}"
    );
    p.forward(&x[..24], &mut y[..24]).unwrap();
    assert!(p.forward(&x[..24], &mut y[..12]).is_err());
    let mut dw = [0.0f32; 2];
    let e = p
        .backward(&x[..24], &x[..24], &mut y[..24], &mut dw)
        .unwrap_err()
        .to_string();
    assert!(e.contains("dw has 2 elements, expected 3"), "{e}");
    let last = Layout::channels_last(&[5, 4]).unwrap();
    assert!(Prelu::per_channel(&[0.1; 4], last)
        .unwrap()
        .forward(&x[..22], &mut y[..22])
        .is_err());
    assert!(Layout::channels_first(&[2, 0, 3]).is_err());
    assert_eq!(
        Layout::channels_first(&[7]).unwrap(),
        Layout::ChannelsFirst {
            channels: 1,
            inner: 7
        }
    );
    assert!(Apl::new(
        &[0.1; 9],
        &[0.1; 9],
        9,
        Layout::channels_last(&[1]).unwrap()
    )
    .is_err());
    assert!(Apl::new(&[0.1; 4], &[0.1; 6], 2, last).is_err());
    assert!(Srelu::new(
        SreluParams {
            t_left: &[0.0; 4],
            a_left: &[0.0; 4],
            t_right: &[0.0; 3],
            a_right: &[0.0; 4]
        },
        last
    )
    .is_err());
}

#[test]
fn special_values_in_place_and_threads_for_per_channel_functions() {
    let (inf, nan) = (f32::INFINITY, f32::NAN);
    let specials = [
        nan,
        -nan,
        inf,
        -inf,
        0.0,
        -0.0,
        f32::from_bits(1),
        -f32::from_bits(1),
        f32::MIN_POSITIVE,
        f32::MAX,
        f32::MIN,
        1e30,
        -1e30,
        -1.0,
        1.0,
        2.0,
        -2.0,
    ];
    let layout = Layout::channels_last(&[1, 2]).unwrap();
    let n = specials.len() * 2;
    // Every special value in both channels.
    let x: Vec<f32> = specials.iter().flat_map(|&v| [v, v]).collect();
    let same = |a: f32, b: f64| ulps(a, b as f32) <= 1;
    // prelu: channel 0 weight 0.5, channel 1 weight 0 (the limit at -inf is 0).
    let w = [0.5f32, 0.0];
    let srelu_p = [[-1.0f32, 0.25, 1.0, 0.5], [-1.0, 0.0, 1.0, 0.0]];
    let (al, bl) = ([0.5f32, 0.0], [1.0f32, -1.0]);
    for exec in executors() {
        let prelu = Prelu::per_channel(&w, layout).unwrap().on(exec);
        let mut y = vec![0.0; n];
        prelu.forward(&x, &mut y).unwrap();
        for i in 0..n {
            let (xi, wi) = (x[i] as f64, w[i % 2] as f64);
            let want = if xi.is_nan() {
                f64::NAN
            } else if xi > 0.0 {
                xi
            } else if wi == 0.0 {
                0.0
            } else {
                wi * xi
            };
            assert!(same(y[i], want), "prelu({xi}) w={wi}: {}", y[i]);
        }
        let mut z = x.clone();
        prelu.forward_inplace(&mut z).unwrap();
        assert_eq!(bits(&y), bits(&z));

        let col = |k: usize| [srelu_p[0][k], srelu_p[1][k]];
        let (tl, a_l, tr, ar) = (col(0), col(1), col(2), col(3));
        let s = Srelu::new(
            SreluParams {
                t_left: &tl,
                a_left: &a_l,
                t_right: &tr,
                a_right: &ar,
            },
            layout,
        )
        .unwrap()
        .on(exec);
        s.forward(&x, &mut y).unwrap();
        for i in 0..n {
            let want = srelu_ref(x[i] as f64, srelu_p[i % 2].map(|v| v as f64));
            let want = if x[i].is_nan() { f64::NAN } else { want };
            assert!(
                same(y[i], want),
                "srelu({}) ch {}: {} vs {want}",
                x[i],
                i % 2,
                y[i]
            );
        }
        let mut z = x.clone();
        s.forward_inplace(&mut z).unwrap();
        assert_eq!(bits(&y), bits(&z));

        let apl = Apl::new(&al, &bl, 1, layout).unwrap().on(exec);
        apl.forward(&x, &mut y).unwrap();
        for i in 0..n {
            let c = i % 2;
            let want = if x[i].is_nan() {
                f64::NAN
            } else {
                apl_ref(x[i] as f64, &[al[c] as f64], &[bl[c] as f64])
            };
            assert!(same(y[i], want), "apl({}) ch {c}: {} vs {want}", x[i], y[i]);
        }
        let mut z = x.clone();
        apl.forward_inplace(&mut z).unwrap();
        assert_eq!(bits(&y), bits(&z));
    }
    // Forward passes split across threads give the serial bits.
    let (layout, n) = (
        Layout::channels_first(&[3, 5, 40_000]).unwrap(),
        3 * 5 * 40_000,
    );
    let (x, _) = inputs(n, 9);
    let w = [0.1f32, 0.2, 0.0, -0.4, 0.5];
    same_everywhere("prelu forward", |exec| {
        let mut y = vec![0.0; n];
        Prelu::per_channel(&w, layout)
            .unwrap()
            .on(exec)
            .forward(&x, &mut y)
            .unwrap();
        bits(&y)
    });
    same_everywhere("apl forward", |exec| {
        let mut y = vec![0.0; n];
        Apl::new(&w, &[0.5, -0.5, 1.0, 0.0, 2.0], 1, layout)
            .unwrap()
            .on(exec)
            .forward(&x, &mut y)
            .unwrap();
        bits(&y)
    });
}
