//! rrelu and noisy_relu in training mode, and the counter-based generator:
//! the same seed gives the same bits for any thread count, chunking,
//! backend and piece boundaries; backward regenerates the draws; eval mode
//! is leaky_relu / relu exactly; and the draws have the right distribution.

use crate::common;

use common::*;
use simd_activations::*;

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|f| f.to_bits()).collect()
}

fn inputs(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Rng::new(seed);
    let x = (0..n)
        .map(|i| match i % 53 {
            0 => f32::NAN,
            1 => f32::NEG_INFINITY,
            2 => -0.0,
            _ => rng.range(-3.0, 3.0) as f32,
        })
        .collect();
    (x, (0..n).map(|_| rng.range(-1.0, 1.0) as f32).collect())
}

/// Every pass of both training modes on `exec`, as bits.
fn all_passes(exec: Executor, seed: u64, offset: u64, x: &[f32], dy: &[f32]) -> Vec<Vec<u32>> {
    let n = x.len();
    let rrelu = Rrelu {
        lower: 0.05,
        upper: 0.4,
    }
    .training(seed)
    .with_offset(offset)
    .on(exec);
    let noisy = NoisyRelu { std: 0.5 }
        .training(seed)
        .with_offset(offset)
        .on(exec);
    let mut out = Vec::new();
    let (mut y, mut dx, mut noise) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    rrelu.forward(x, &mut y).unwrap();
    out.push(bits(&y));
    rrelu.backward(x, dy, &mut dx).unwrap();
    out.push(bits(&dx));
    rrelu.backward_from_output(&y, dy, &mut dx).unwrap();
    out.push(bits(&dx));
    rrelu.forward_with_noise(x, &mut y, &mut noise).unwrap();
    out.push(bits(&noise));
    noisy.forward(x, &mut y).unwrap();
    out.push(bits(&y));
    noisy.backward(x, dy, &mut dx).unwrap();
    out.push(bits(&dx));
    noisy.forward_with_noise(x, &mut y, &mut noise).unwrap();
    out.push(bits(&noise));
    let mut z = x.to_vec();
    noisy.forward_inplace(&mut z).unwrap();
    out.push(bits(&z));
    out
}

#[test]
fn the_same_seed_gives_the_same_bits_everywhere() {
    let n = (1 << 18) + 77;
    let (x, dy) = inputs(n, 1);
    let want = all_passes(
        Executor::with_backend(Backend::Scalar).unwrap().serial(),
        9,
        0,
        &x,
        &dy,
    );
    for backend in Backend::supported() {
        let serial = Executor::with_backend(backend).unwrap().serial();
        assert!(all_passes(serial, 9, 0, &x, &dy) == want, "{backend}");
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for chunk in [16, 4096, 1 << 16] {
                let par = serial
                    .parallel()
                    .with_min_parallel_len(0)
                    .with_chunk_len(chunk)
                    .unwrap();
                let got = pool.install(|| all_passes(par, 9, 0, &x, &dy));
                assert!(got == want, "{backend}, {threads} threads, chunk {chunk}");
            }
        }
    }
}

#[test]
fn pieces_with_offsets_equal_the_whole_buffer() {
    let n = 10_000;
    let (x, dy) = inputs(n, 2);
    let exec = Executor::new().unwrap();
    let want = all_passes(exec, 5, 0, &x, &dy);
    for cut in [1, 7, 8, 9, 1000, 4099] {
        let a = all_passes(exec, 5, 0, &x[..cut], &dy[..cut]);
        let b = all_passes(exec, 5, cut as u64, &x[cut..], &dy[cut..]);
        for (pass, w) in want.iter().enumerate() {
            let joined: Vec<u32> = a[pass].iter().chain(&b[pass]).copied().collect();
            assert_eq!(&joined, w, "pass {pass} cut at {cut}");
        }
    }
}

#[test]
fn indices_beyond_2_to_the_32_draw_from_their_own_keys() {
    // A buffer straddling element 2^32: each element matches its own draw.
    let offset = (1u64 << 32) - 13;
    let train = Rrelu::default().training(3).with_offset(offset);
    let x = vec![-1.0f32; 40];
    for backend in Backend::supported() {
        let mut y = vec![0.0; 40];
        train
            .on(Executor::with_backend(backend).unwrap())
            .forward(&x, &mut y)
            .unwrap();
        for (i, &v) in y.iter().enumerate() {
            assert_eq!(v, -train.slope(offset + i as u64), "{backend} element {i}");
        }
    }
    assert_ne!(random::bits(3, 5), random::bits(3, 5 + (1 << 32)));
}

#[test]
fn different_seeds_differ() {
    let n = 4096;
    let (x, dy) = inputs(n, 4);
    let exec = Executor::new().unwrap();
    let a = all_passes(exec, 1, 0, &x, &dy);
    let b = all_passes(exec, 2, 0, &x, &dy);
    for (pass, (a, b)) in a.iter().zip(&b).enumerate() {
        let same = a.iter().zip(b).filter(|(p, q)| p == q).count();
        // Every pass changes; the noise buffers (passes 3 and 6) almost
        // everywhere (rrelu's holds 1 for x > 0).
        assert!(same < n, "pass {pass}: all equal");
        if pass == 6 {
            assert!(same < n / 100, "noisy_relu noise: {same} of {n} equal");
        }
        if pass == 3 {
            assert!(same < n * 6 / 10, "rrelu noise: {same} of {n} equal");
        }
    }
    assert_ne!(random::uniform(1, 0), random::uniform(2, 0));
    assert_ne!(random::uniform(1, 0), random::uniform(1 << 32, 0));
}

#[test]
fn backward_regenerates_the_forward_draws() {
    let n = 5000;
    let (x, dy) = inputs(n, 6);
    let exec = Executor::new().unwrap();
    let r = Rrelu {
        lower: 0.1,
        upper: 0.3,
    }
    .training(11)
    .on(exec);
    let (mut y, mut noise, mut dx, mut dxn) =
        (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    r.forward_with_noise(&x, &mut y, &mut noise).unwrap();
    r.backward(&x, &dy, &mut dx).unwrap();
    r.backward_with_noise(&noise, &dy, &mut dxn).unwrap();
    assert_eq!(bits(&dx), bits(&dxn));
    for i in 0..n {
        let s = r.slope(i as u64);
        if x[i] <= 0.0 {
            assert_eq!(noise[i], s);
            assert!((0.1..=0.3).contains(&s));
            if x[i].is_finite() {
                assert_eq!(y[i], x[i] * s);
            }
            assert_eq!(dx[i], dy[i] * s);
        } else {
            // x > 0 or NaN: passes through (PyTorch's noise 1).
            assert_eq!(noise[i], 1.0);
            assert_eq!(bits(&[y[i]]), bits(&[x[i]]));
            assert_eq!(dx[i], dy[i]);
        }
    }
    let nz = NoisyRelu { std: 0.3 }.training(12).on(exec);
    nz.forward_with_noise(&x, &mut y, &mut noise).unwrap();
    nz.backward(&x, &dy, &mut dx).unwrap();
    nz.backward_with_noise(&x, &noise, &dy, &mut dxn).unwrap();
    assert_eq!(bits(&dx), bits(&dxn));
    let mut dxo = vec![0.0; n];
    nz.backward_from_output(&y, &dy, &mut dxo).unwrap();
    assert_eq!(bits(&dx), bits(&dxo));
    for i in 0..n {
        let e = nz.noise(i as u64);
        assert_eq!(noise[i], e);
        let s = x[i] + e;
        assert_eq!(
            bits(&[y[i]]),
            bits(&[if s.is_nan() { s } else { s.max(0.0) }]),
            "x={}",
            x[i]
        );
        assert_eq!(dx[i], if s > 0.0 { dy[i] } else { 0.0 });
    }
}

#[test]
fn eval_mode_is_leaky_relu_and_relu_exactly() {
    let (x, dy) = inputs(3000, 8);
    for exec in executors() {
        for (lower, upper) in [(0.125f32, 1.0 / 3.0), (0.1, 0.3), (0.0, 0.0), (-1.0, 0.5)] {
            let rrelu = Rrelu { lower, upper };
            let leaky = LeakyRelu {
                negative_slope: ((lower as f64 + upper as f64) / 2.0) as f32,
            };
            let prelu = Prelu {
                weight: leaky.negative_slope,
            };
            for (a, b) in [
                (Activation::from(rrelu), Activation::from(leaky)),
                (Activation::from(prelu), Activation::from(leaky)),
            ] {
                let (mut ya, mut yb) = (vec![0.0; x.len()], vec![0.0; x.len()]);
                exec.forward(&a, &x, &mut ya).unwrap();
                exec.forward(&b, &x, &mut yb).unwrap();
                assert_eq!(bits(&ya), bits(&yb), "{a}");
                exec.backward(&a, &x, &dy, &mut ya).unwrap();
                exec.backward(&b, &x, &dy, &mut yb).unwrap();
                assert_eq!(bits(&ya), bits(&yb), "{a} backward");
            }
        }
        let (mut ya, mut yb) = (vec![0.0; x.len()], vec![0.0; x.len()]);
        for std in [0.0f32, 0.1, 3.0] {
            exec.forward(&NoisyRelu { std }, &x, &mut ya).unwrap();
            exec.forward(&Relu, &x, &mut yb).unwrap();
            assert_eq!(bits(&ya), bits(&yb));
            exec.backward(&NoisyRelu { std }, &x, &dy, &mut ya).unwrap();
            exec.backward(&Relu, &x, &dy, &mut yb).unwrap();
            assert_eq!(bits(&ya), bits(&yb));
        }
    }
    // The spec strings name the eval forms.
    assert_eq!(
        "rrelu(lower=0.1,upper=0.3)".parse::<Activation>().unwrap(),
        Activation::from(Rrelu {
            lower: 0.1,
            upper: 0.3
        })
    );
    assert_eq!(
        Rrelu::default().to_string(),
        "rrelu(lower=0.125,upper=0.33333334)"
    );
    assert_eq!(
        "noisy_relu(std=0.5)".parse::<NoisyRelu>().unwrap(),
        NoisyRelu { std: 0.5 }
    );
    assert!("noisy_relu".parse::<Activation>().is_err());
    assert!("noisy_relu(std=-1)".parse::<Activation>().is_err());
    assert!("rrelu(lower=0.5,upper=0.1)".parse::<Activation>().is_err());
}

#[test]
fn training_mode_errors() {
    let t = Rrelu {
        lower: -0.5,
        upper: 0.5,
    }
    .training(1);
    let mut dx = [0.0f32; 2];
    let e = t
        .backward_from_output(&[1.0, -1.0], &[1.0, 1.0], &mut dx)
        .unwrap_err();
    assert!(
        matches!(e, Error::BackwardFromOutputUnsupported { .. }),
        "{e}"
    );
    let t = Rrelu {
        lower: 0.5,
        upper: 0.1,
    }
    .training(1);
    assert!(t.forward(&[1.0], &mut [0.0]).is_err());
    let t = Rrelu::default().training(1);
    let e = t.forward(&[1.0, 2.0], &mut [0.0]).unwrap_err().to_string();
    assert!(e.contains("x has 2") && e.contains("y has 1"), "{e}");
    assert!(t
        .with_offset(u64::MAX)
        .forward(&[1.0, 2.0], &mut [0.0; 2])
        .is_err());
    assert!(NoisyRelu { std: f32::NAN }
        .training(1)
        .forward(&[1.0], &mut [0.0])
        .is_err());
}

/// Draws `n` uniforms through the lanes (rrelu with lower 0, upper 1 on
/// x = -1 gives -u).
fn uniforms(seed: u64, n: usize) -> Vec<f64> {
    let x = vec![-1.0f32; n];
    let mut y = vec![0.0f32; n];
    Rrelu {
        lower: 0.0,
        upper: 1.0,
    }
    .training(seed)
    .forward(&x, &mut y)
    .unwrap();
    y.iter().map(|&v| -v as f64).collect()
}

fn normals(seed: u64, n: usize) -> Vec<f64> {
    let x = vec![0.0f32; n];
    let (mut y, mut eps) = (vec![0.0f32; n], vec![0.0f32; n]);
    NoisyRelu { std: 1.0 }
        .training(seed)
        .forward_with_noise(&x, &mut y, &mut eps)
        .unwrap();
    eps.iter().map(|&v| v as f64).collect()
}

fn mean_var(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (m, v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n)
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let (ma, va) = mean_var(a);
    let (mb, vb) = mean_var(b);
    let cov = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / a.len() as f64;
    cov / (va * vb).sqrt()
}

#[test]
fn uniform_draws_are_uniform() {
    let n = 1 << 22;
    for seed in [0u64, 1, 0xDEAD_BEEF] {
        let u = uniforms(seed, n);
        assert!(u.iter().all(|&v| (0.0..1.0).contains(&v)));
        let (m, v) = mean_var(&u);
        // Standard errors: mean 1.4e-4, variance 4e-5; allow 5 sigma.
        assert!((m - 0.5).abs() < 7e-4, "seed {seed}: mean {m}");
        assert!((v - 1.0 / 12.0).abs() < 2e-4, "seed {seed}: variance {v}");
        assert!(u.iter().cloned().fold(1.0, f64::min) < 1e-5);
        assert!(u.iter().cloned().fold(0.0, f64::max) > 1.0 - 1e-5);
        // Chi-square over 1024 equal bins: 1023 degrees of freedom, mean
        // 1023, sd 45; fail beyond 5 sd.
        let bins = 1024;
        let mut count = vec![0u64; bins];
        for &v in &u {
            count[(v * bins as f64) as usize] += 1;
        }
        let e = n as f64 / bins as f64;
        let chi2: f64 = count.iter().map(|&c| (c as f64 - e).powi(2) / e).sum();
        assert!(
            (chi2 - 1023.0).abs() < 5.0 * 45.2,
            "seed {seed}: chi-square {chi2}"
        );
        // Pairs of neighbouring indices: a 32 × 32 chi-square (1023 dof).
        let mut pairs = vec![0u64; 1024];
        for w in u.chunks_exact(2) {
            pairs[(w[0] * 32.0) as usize * 32 + (w[1] * 32.0) as usize] += 1;
        }
        let e = (n / 2) as f64 / 1024.0;
        let chi2: f64 = pairs.iter().map(|&c| (c as f64 - e).powi(2) / e).sum();
        assert!(
            (chi2 - 1023.0).abs() < 5.0 * 45.2,
            "seed {seed}: pair chi-square {chi2}"
        );
        // Neighbouring indices and neighbouring seeds are uncorrelated
        // (standard error 1/sqrt(n) = 5e-4).
        let r = correlation(&u[..n - 1], &u[1..]);
        assert!(r.abs() < 3e-3, "seed {seed}: lag-1 correlation {r}");
        let other = uniforms(seed + 1, n);
        let r = correlation(&u, &other);
        assert!(
            r.abs() < 3e-3,
            "seeds {seed}, {}: correlation {r}",
            seed + 1
        );
    }
}

#[test]
fn normal_draws_are_normal() {
    let n = 1 << 22;
    for seed in [0u64, 7] {
        let z = normals(seed, n);
        let (m, v) = mean_var(&z);
        assert!(m.abs() < 3e-3, "mean {m}");
        assert!((v - 1.0).abs() < 4e-3, "variance {v}");
        let kurtosis = z.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n as f64 / (v * v);
        assert!((kurtosis - 3.0).abs() < 0.03, "kurtosis {kurtosis}");
        let skew = z.iter().map(|x| (x - m).powi(3)).sum::<f64>() / n as f64 / v.powf(1.5);
        assert!(skew.abs() < 0.01, "skewness {skew}");
        // Tail frequencies against Φ: P(|z| > t) = erfc(t/√2).
        for (t, p) in [
            (1.0, 0.317_310_5),
            (2.0, 0.045_500_26),
            (3.0, 0.002_699_796),
            (4.0, 6.334e-5),
        ] {
            let got = z.iter().filter(|x| x.abs() > t).count() as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!((got - p).abs() < 5.0 * se, "P(|z| > {t}) = {got}, want {p}");
        }
        assert!(z.iter().all(|x| x.abs() <= 5.7));
        let r = correlation(&z[..n - 1], &z[1..]);
        assert!(r.abs() < 3e-3, "lag-1 correlation {r}");
    }
    // The scalar API gives the lanes' draws.
    let z = normals(5, 100);
    for (i, &v) in z.iter().enumerate() {
        assert_eq!(v as f32, random::normal(5, i as u64));
    }
}
