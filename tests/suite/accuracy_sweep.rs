//! The stratified accuracy sweep as a test: every activation (each example
//! spec), every backend, every exponent of both signs, forward and all
//! backward passes, within the ULP bounds each kernel promises.

use crate::common;
use crate::reference;

use common::{all_examples, executors};
use reference::sweep::{new_stats, sampled_inputs, sweep};

#[test]
fn every_activation_meets_its_ulp_bounds_on_every_backend() {
    let execs = executors();
    let xs = sampled_inputs(96, 0xACC0);
    let mut failures = Vec::new();
    for act in all_examples() {
        let mut stats: Vec<_> = execs.iter().map(|_| new_stats(&act)).collect();
        sweep(&execs, &act, &xs, &mut stats);
        for (exec, per_pass) in execs.iter().zip(&stats) {
            for s in per_pass {
                assert_eq!(s.checked, xs.len() as u64);
                if !s.ok() {
                    failures.push(format!(
                        "{act} {} on {}: max {} ulps (target {}) at x={:e}: got {:e}, want {:e}; {} over, {} NaN mismatches {:?}",
                        s.pass,
                        exec.backend(),
                        s.max_ulps,
                        s.target,
                        s.worst.0,
                        s.worst.1,
                        s.worst.2,
                        s.over,
                        s.nan_mismatches,
                        s.nan_examples
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
