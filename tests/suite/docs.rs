//! The docs keep up with the kernels: every registered activation has a row
//! in README.md's table and an f64 reference in tests/suite/reference.

use crate::reference;

use simd_activations::{activations, Activation, Kind};

#[test]
fn every_activation_has_a_readme_row() {
    let readme = include_str!("../../README.md");
    for info in activations() {
        let row = format!("| `{}`", info.name);
        assert!(
            readme.contains(&row),
            "README.md has no table row starting with {row}"
        );
    }
}

#[test]
fn every_activation_has_a_reference() {
    for info in activations() {
        let act: Activation = info.examples[0].parse().unwrap();
        if act.kind() == Kind::Rowwise {
            assert!(
                reference::rows::forward(&act, &[0.25, -1.0]).is_some(),
                "no row reference for {}",
                info.name
            );
            continue;
        }
        assert!(
            reference::forward(&act, 0.25).is_some(),
            "no forward reference for {}",
            info.name
        );
        assert!(
            reference::backward(&act, 0.25, 1.0).is_some(),
            "no backward reference for {}",
            info.name
        );
    }
}
