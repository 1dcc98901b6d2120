//! Property tests: random bit patterns, lengths, start offsets, parameters
//! and backends always agree with the f64 references within each kernel's
//! stated bounds, and nothing panics.

use crate::common;
use crate::reference;

use common::{all_examples, executors};
use proptest::prelude::*;
use reference::sweep::{new_stats, sweep};
use simd_activations::{activations, Activation, ActivationFn, ParamKind};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any f32 bit patterns (NaNs, infinities, denormals included), any
    /// length, any start offset, any backend: every pass within its bound.
    #[test]
    fn random_buffers_meet_the_bounds(
        act in 0usize..1000,
        backend in 0usize..4,
        offset in 0usize..16,
        bits in prop::collection::vec(any::<u32>(), 0..300),
    ) {
        let acts = all_examples();
        let act = &acts[act % acts.len()];
        let execs = executors();
        let exec = execs[backend % execs.len()];
        let all: Vec<f32> = bits.iter().map(|&b| f32::from_bits(b)).collect();
        let xs = &all[offset.min(all.len())..];
        let mut stats = vec![new_stats(act)];
        sweep(&[exec], act, xs, &mut stats);
        for s in &stats[0] {
            prop_assert!(
                s.ok(),
                "{act} {} on {}: {} ULPs at x = {:e} (got {:e}, want {:e}), {} NaN mismatches",
                s.pass, exec.backend(), s.max_ulps, s.worst.0, s.worst.1, s.worst.2, s.nan_mismatches
            );
        }
    }

    /// Spec strings with arbitrary parameter values parse or give an
    /// error, and what parses runs (or reports an error) without panicking.
    #[test]
    fn arbitrary_parameters_never_panic(
        which in 0usize..1000,
        values in prop::collection::vec(any::<f32>(), 4),
        x in prop::collection::vec(-1e6f32..1e6, 0..40),
    ) {
        let infos: Vec<_> = activations().collect();
        let info = infos[which % infos.len()];
        let params: Vec<String> = info
            .params
            .iter()
            .zip(&values)
            .map(|(p, v)| match p.kind {
                ParamKind::Float => format!("{}={v:?}", p.name),
                ParamKind::Int => format!("{}={}", p.name, (v.abs() as i64) % 40),
                ParamKind::Choice(choices) => {
                    format!("{}={}", p.name, choices[(v.to_bits() as usize) % choices.len()])
                }
            })
            .collect();
        let spec = format!("{}({})", info.name, params.join(","));
        if let Ok(act) = spec.parse::<Activation>() {
            // A spec that parses prints back to the same value.
            let again: Activation = act.to_string().parse().unwrap();
            prop_assert_eq!(again.to_string(), act.to_string());
            let mut y = vec![0.0; x.len()];
            let _ = act.forward(&x, &mut y);
            let mut dx = vec![0.0; x.len()];
            let _ = act.backward(&x, &x, &mut dx);
            let _ = act.backward_from_output(&y, &x, &mut dx);
        }
    }
}
