//! Fuzzes the kernels against the f64 references of `tests/suite/reference/`.
//!
//! The input decides an activation (an example spec from the registry, or
//! the same activation with fuzzed parameter values), a backend among
//! `Backend::supported()`, a pass (forward, forward in place, backward,
//! backward from the output, and both backward passes in place), a buffer
//! of f32 (any bit pattern: NaN, infinities, denormals) at a start offset
//! of 0 to 15 elements, a row length for the rowwise functions, and whether
//! the call is split across a 3-thread rayon pool in chunks of 16 to 128
//! elements (so a short buffer still crosses chunk boundaries).
//!
//! Checked:
//! - nothing panics; a call is `Err` only where the crate says it must be
//!   (backward from the output where `supports_backward_from_output()` is
//!   false, maxout in place or from the output); fuzzed parameters that
//!   parse are accepted by the call, and those that do not are
//!   `Error::InvalidParameter`;
//! - every element is within the activation's stated ULP bound of the f64
//!   reference (`info().accuracy`, inside its domain). Transcendental
//!   kernels get ordinary finite gradients (|dy| in [2^-20, 2^27]) as the
//!   test suite gives them; piecewise-linear and parametric ones any bits.
//!   Rowwise functions are compared with the row references where the row
//!   is finite and within ±100 (the range the README states their bounds
//!   for), and otherwise only for the next property;
//! - the bits equal those of the scalar backend run serially (NaN payloads
//!   aside), as the README promises for every backend, thread count and
//!   chunking, and an in-place pass gives the bits of the out-of-place one.

#![no_main]

#[allow(dead_code, unused_imports)]
#[path = "../../tests/suite/reference/mod.rs"]
mod reference;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use reference::sweep::ulps;
use simd_activations::{
    activations, Activation, ActivationFn, Backend, Error, Executor, Family, Info, Kind, ParamKind,
    ParamValue,
};
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    let _ = one_case(&mut Unstructured::new(data));
});

#[derive(Clone, Copy, Debug, PartialEq)]
enum PassKind {
    Forward,
    ForwardInPlace,
    Backward,
    BackwardInPlace,
    FromOutput,
    FromOutputInPlace,
}

const PASSES: [PassKind; 6] = [
    PassKind::Forward,
    PassKind::ForwardInPlace,
    PassKind::Backward,
    PassKind::BackwardInPlace,
    PassKind::FromOutput,
    PassKind::FromOutputInPlace,
];

impl PassKind {
    fn from_output(self) -> bool {
        matches!(self, PassKind::FromOutput | PassKind::FromOutputInPlace)
    }
    fn in_place(self) -> bool {
        matches!(
            self,
            PassKind::ForwardInPlace | PassKind::BackwardInPlace | PassKind::FromOutputInPlace
        )
    }
    fn forward(self) -> bool {
        matches!(self, PassKind::Forward | PassKind::ForwardInPlace)
    }
    /// The out-of-place pass with the same result.
    fn out_of_place(self) -> PassKind {
        match self {
            PassKind::ForwardInPlace => PassKind::Forward,
            PassKind::BackwardInPlace => PassKind::Backward,
            PassKind::FromOutputInPlace => PassKind::FromOutput,
            other => other,
        }
    }
}

fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .expect("a 3-thread pool")
    })
}

fn one_case(u: &mut Unstructured) -> Result<()> {
    let infos: Vec<&'static Info> = activations().collect();
    let info = *u.choose(&infos)?;
    let Some(act) = activation(u, info)? else {
        return Ok(());
    };
    let backends = Backend::supported();
    let backend = *u.choose(&backends)?;
    let pass = *u.choose(&PASSES)?;
    let mut exec = Executor::with_backend(backend).expect("a supported backend");
    let threaded = u.ratio(1, 3)?;
    if threaded {
        let chunk = 16 * u.int_in_range(1..=8)?;
        exec = exec
            .parallel()
            .with_min_parallel_len(0)
            .with_chunk_len(chunk)
            .expect("a multiple of 16");
    } else {
        exec = exec.serial();
    }
    let offset = u.int_in_range(0..=15)?;
    let len = if u.ratio(1, 16)? {
        u.int_in_range(0..=2000)?
    } else {
        u.int_in_range(0..=70)?
    };

    // Row length (rowwise functions): the buffer is `rows × cols` inputs,
    // `rows × out_cols` outputs.
    let k = match act.param("k") {
        Some(ParamValue::Int(k)) if act.name() == "maxout" => k as usize,
        _ => 1,
    };
    let (cols, rows) = if act.kind() == Kind::Rowwise {
        let groups = u.int_in_range(1..=12)?;
        let cols = groups * k;
        if matches!(
            pass,
            PassKind::BackwardInPlace | PassKind::FromOutputInPlace
        ) {
            // These have no rows form: the whole buffer is one row.
            let cols = (len / k).max(1) * k;
            (cols, 1)
        } else {
            (cols, (len / cols).max(1))
        }
    } else {
        (len.max(1), 1)
    };
    let n_in = if act.kind() == Kind::Rowwise {
        rows * cols
    } else {
        len
    };
    let n_out = n_in / k;

    let ordinary_rows = act.kind() == Kind::Rowwise && u.ratio(1, 2)?;
    let mut x = vec![0.0f32; offset + n_in];
    for v in &mut x[offset..] {
        *v = if ordinary_rows {
            u.int_in_range(-25600..=25600)? as f32 / 256.0
        } else {
            input(u, &act)?
        };
    }
    let plain_dy = !matches!(
        act.info().family,
        Family::PiecewiseLinear | Family::Parametric
    ) || act.kind() == Kind::Rowwise;
    let mut dy = vec![0.0f32; offset + n_out];
    for v in &mut dy[offset..] {
        *v = if plain_dy {
            ordinary_gradient(u, act.kind() == Kind::Rowwise)?
        } else {
            f32::from_bits(u.arbitrary()?)
        };
    }
    let x = &x[offset..];
    let dy = &dy[offset..];
    let what = format!(
        "{act} {pass:?} on {backend}, {} threads, offset {offset}, {n_in} elements \
         (cols {cols})",
        if threaded { "3" } else { "1" }
    );

    let reference_exec = Executor::with_backend(Backend::Scalar)
        .expect("scalar")
        .serial();
    // The forward output the from-output passes start from.
    let y = if pass.from_output() {
        let mut y = vec![0.0f32; n_out];
        call(
            &reference_exec,
            &act,
            PassKind::Forward,
            x,
            &[],
            &mut y,
            cols,
        )
        .unwrap_or_else(|e| panic!("{what}: forward for y failed: {e}"));
        y
    } else {
        Vec::new()
    };
    let input = if pass.from_output() { &y[..] } else { x };

    let mut out = vec![0.0f32; if pass.forward() { n_out } else { n_in }];
    let got = if threaded {
        pool().install(|| call(&exec, &act, pass, input, dy, &mut out, cols))
    } else {
        call(&exec, &act, pass, input, dy, &mut out, cols)
    };

    // Err exactly where the crate documents it.
    let must_fail = if act.kind() == Kind::Rowwise {
        pass.from_output() && !act.supports_backward_from_output() || (pass.in_place() && k != 1)
    } else {
        pass.from_output() && !act.supports_backward_from_output()
    };
    match (&got, must_fail) {
        (Ok(()), false) => {}
        (Err(Error::BackwardFromOutputUnsupported { .. }), true) if pass.from_output() => {
            return Ok(())
        }
        (Err(Error::InvalidShape { .. }), true) if k != 1 => return Ok(()),
        (other, _) => panic!("{what}: got {other:?}, must fail: {must_fail}"),
    }

    // Same bits as the scalar backend, serial, out of place.
    let mut want_bits = vec![0.0f32; out.len()];
    call(
        &reference_exec,
        &act,
        pass.out_of_place(),
        input,
        dy,
        &mut want_bits,
        cols,
    )
    .unwrap_or_else(|e| panic!("{what}: the scalar run failed: {e}"));
    for (i, (&g, &w)) in out.iter().zip(&want_bits).enumerate() {
        assert!(
            g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
            "{what}: element {i} (x = {:e}) is {g:e} ({:#010x}), scalar serial out of place \
             gives {w:e} ({:#010x})",
            x.get(i).copied().unwrap_or(f32::NAN),
            g.to_bits(),
            w.to_bits()
        );
    }

    // Within the stated bounds of the f64 references.
    let acc = act.info().accuracy;
    let bound = if pass.forward() {
        acc.forward_ulps
    } else {
        acc.backward_ulps
    } as u64;
    if act.kind() == Kind::Elementwise {
        for i in 0..n_in {
            if x[i].abs() > acc.domain {
                continue;
            }
            let want = match pass.out_of_place() {
                PassKind::Forward => reference::forward(&act, x[i] as f64),
                PassKind::Backward => reference::backward(&act, x[i] as f64, dy[i] as f64),
                _ => reference::backward_from_output(&act, y[i] as f64, dy[i] as f64),
            }
            .unwrap_or_else(|| panic!("{what}: tests/suite/reference has no formula"));
            let d = ulps(out[i], want as f32);
            assert!(
                d <= bound,
                "{what}: element {i}: x = {:e} ({:#010x}), y = {:e}, dy = {:e} ({:#010x}): \
                 got {:e} ({:#010x}), reference {want:e} -> {:e}: {d} ULPs (bound {bound})",
                x[i],
                x[i].to_bits(),
                y.get(i).copied().unwrap_or(f32::NAN),
                dy[i],
                dy[i].to_bits(),
                out[i],
                out[i].to_bits(),
                want as f32,
            );
        }
    } else if x.iter().all(|v| v.abs() <= 100.0) {
        let out_cols = cols / k;
        for r in 0..rows {
            let xr = &x[r * cols..(r + 1) * cols];
            let dyr = &dy[r * out_cols..(r + 1) * out_cols];
            let (want, got) = match pass.out_of_place() {
                PassKind::Forward => (
                    reference::rows::forward(&act, xr),
                    &out[r * out_cols..(r + 1) * out_cols],
                ),
                PassKind::Backward => (
                    reference::rows::backward(&act, xr, dyr),
                    &out[r * cols..(r + 1) * cols],
                ),
                _ => (
                    reference::rows::backward_from_output(
                        &act,
                        &y[r * out_cols..(r + 1) * out_cols],
                        dyr,
                    ),
                    &out[r * cols..(r + 1) * cols],
                ),
            };
            let want = want.unwrap_or_else(|| panic!("{what}: no row reference"));
            for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
                let d = ulps(g, w as f32);
                assert!(
                    d <= bound,
                    "{what}: row {r} element {i}: got {g:e}, reference {w:e}: {d} ULPs \
                     (bound {bound}); row x = {xr:?}, dy = {dyr:?}"
                );
            }
        }
    }
    Ok(())
}

/// An example spec of `info` (two times in three), or `info` with fuzzed
/// parameter values (`None` when those are invalid, after checking that the
/// error is `InvalidParameter`).
fn activation(u: &mut Unstructured, info: &'static Info) -> Result<Option<Activation>> {
    if info.params.is_empty() || u.ratio(2, 3)? {
        let spec = *u.choose(info.examples)?;
        return Ok(Some(spec.parse().expect("example specs parse")));
    }
    let mut args = Vec::new();
    for p in info.params {
        if p.default.is_some() && u.ratio(1, 4)? {
            continue;
        }
        let value = match p.kind {
            ParamKind::Float => format!("{:?}", parameter(u)?),
            ParamKind::Int => u.int_in_range(-2..=9)?.to_string(),
            ParamKind::Choice(choices) => u.choose(choices)?.to_string(),
        };
        args.push(format!("{}={value}", p.name));
    }
    let spec = format!("{}({})", info.name, args.join(","));
    match spec.parse::<Activation>() {
        Ok(act) => Ok(Some(act)),
        Err(Error::InvalidParameter { .. }) => Ok(None),
        Err(e) => panic!("{spec:?} is well-formed, but: {e}"),
    }
}

/// A parameter value: mostly ordinary, sometimes any bits.
fn parameter(u: &mut Unstructured) -> Result<f32> {
    Ok(match u.int_in_range(0..=3)? {
        0 => f32::from_bits(u.arbitrary()?),
        1 => *u.choose(&[
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            2.0,
            20.0,
            1e-3,
            1e3,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            f32::MIN_POSITIVE,
            1e-40,
        ])?,
        _ => u.int_in_range(-2048..=2048)? as f32 / 256.0,
    })
}

/// An input element: any bits, an ordinary value, or a float next to a kink
/// (the parameters, 0, ±3, ±6).
fn input(u: &mut Unstructured, act: &Activation) -> Result<f32> {
    Ok(match u.int_in_range(0..=3)? {
        0 | 1 => f32::from_bits(u.arbitrary()?),
        2 => u.arbitrary::<i16>()? as f32 / 1024.0,
        _ => {
            let mut kinks = vec![0.0f32, 3.0, -3.0, 6.0, 1.0, -1.0];
            for (_, v) in act.params() {
                if let ParamValue::Float(v) = v {
                    kinks.extend([v, -v]);
                }
            }
            let k = *u.choose(&kinks)?;
            match u.int_in_range(0..=2)? {
                0 => k.next_down(),
                1 => k,
                _ => k.next_up(),
            }
        }
    })
}

/// A finite gradient of ordinary size: |dy| in [2^-20, 2^27] or 0 (for
/// rows, [-8, 8]).
fn ordinary_gradient(u: &mut Unstructured, rows: bool) -> Result<f32> {
    let m = u.int_in_range(-128..=128)? as f32 / 16.0;
    if rows {
        return Ok(m);
    }
    let e = u.int_in_range(-16..=20)?;
    Ok(m * (e as f32).exp2())
}

/// Runs `pass` of `act` on `exec`: `input` is x (or y for the from-output
/// passes), `out` receives y or dx; in-place passes copy their operand into
/// `out` first.
fn call(
    exec: &Executor,
    act: &Activation,
    pass: PassKind,
    input: &[f32],
    dy: &[f32],
    out: &mut [f32],
    cols: usize,
) -> std::result::Result<(), Error> {
    let rowwise = act.kind() == Kind::Rowwise;
    match pass {
        PassKind::Forward if rowwise => exec.forward_rows(act, input, out, cols),
        PassKind::Forward => exec.forward(act, input, out),
        PassKind::ForwardInPlace => {
            if out.len() == input.len() {
                out.copy_from_slice(input);
            }
            if rowwise {
                exec.forward_rows_inplace(act, out, cols)
            } else {
                exec.forward_inplace(act, out)
            }
        }
        PassKind::Backward if rowwise => exec.backward_rows(act, input, dy, out, cols),
        PassKind::Backward => exec.backward(act, input, dy, out),
        PassKind::FromOutput if rowwise => {
            exec.backward_from_output_rows(act, input, dy, out, cols)
        }
        PassKind::FromOutput => exec.backward_from_output(act, input, dy, out),
        PassKind::BackwardInPlace | PassKind::FromOutputInPlace => {
            // No rows form: rowwise functions get one row (see above).
            if out.len() == dy.len() {
                out.copy_from_slice(dy);
            }
            let n = dy.len().min(out.len());
            let g = &mut out[..n];
            if pass == PassKind::BackwardInPlace {
                exec.backward_inplace(act, input, g)
            } else {
                exec.backward_from_output_inplace(act, input, g)
            }
        }
    }
}
