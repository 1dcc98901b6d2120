//! What a kernel file under `kernels/` provides: the [`Elementwise`] trait
//! and the metadata ([`Info`], [`Param`]) the registry, the spec parser, the
//! docs and the tests read.

use crate::lanes::Lanes;
use crate::Error;

/// The families of SPEC.md, used to group the catalogue and the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Exact or nearly exact: relu, clamps, shrinks, hard sigmoid/swish.
    PiecewiseLinear,
    /// Built on exp, log, tanh, erf and friends.
    Transcendental,
}

/// The type of a parameter's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamKind {
    /// A floating-point number (NaN is always rejected).
    Float,
    /// One of a fixed set of unquoted names, e.g. `none` or `tanh`.
    Choice(&'static [&'static str]),
}

/// A parameter's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamValue {
    /// A number.
    Float(f32),
    /// One of the parameter's choices.
    Choice(&'static str),
}

impl ParamValue {
    /// The number; 0 for a choice (kernels only ask floats of float params).
    pub fn float(self) -> f32 {
        match self {
            ParamValue::Float(v) => v,
            ParamValue::Choice(_) => 0.0,
        }
    }

    /// The choice; "" for a number.
    pub fn choice(self) -> &'static str {
        match self {
            ParamValue::Choice(c) => c,
            ParamValue::Float(_) => "",
        }
    }
}

/// One parameter of an activation, as the spec string names it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    /// PyTorch's parameter name.
    pub name: &'static str,
    /// Number or choice.
    pub kind: ParamKind,
    /// PyTorch's default; `None` if the parameter is required.
    pub default: Option<ParamValue>,
    /// What it does, in a few words.
    pub doc: &'static str,
}

impl Param {
    /// A float parameter with a default.
    pub const fn float(name: &'static str, default: f32, doc: &'static str) -> Param {
        Param {
            name,
            kind: ParamKind::Float,
            default: Some(ParamValue::Float(default)),
            doc,
        }
    }

    /// A float parameter that must be given.
    pub const fn required(name: &'static str, doc: &'static str) -> Param {
        Param {
            name,
            kind: ParamKind::Float,
            default: None,
            doc,
        }
    }

    /// A choice parameter whose default is its first choice.
    pub const fn choice(
        name: &'static str,
        choices: &'static [&'static str],
        doc: &'static str,
    ) -> Param {
        Param {
            name,
            kind: ParamKind::Choice(choices),
            default: Some(ParamValue::Choice(choices[0])),
            doc,
        }
    }
}

/// Whether the gradient can be computed from the forward output alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FromOutput {
    /// Always (the function is invertible where it matters).
    Always,
    /// Only for some parameter values; the text says which.
    When(&'static str),
    /// Never; the text says why.
    Never(&'static str),
}

/// The accuracy a kernel promises, in ULPs of the correctly rounded result
/// (the f64 reference rounded to f32; below the normal range one ULP is the
/// denormal spacing, 2^-149). Measured over every f32 input by
/// `cargo run --release -- accuracy --exhaustive`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Accuracy {
    /// Largest forward error.
    pub forward_ulps: u32,
    /// Largest backward error (from the input and from the output) against
    /// the f64 derivative computed from the same f32 inputs.
    pub backward_ulps: u32,
    /// The bounds hold for `|x| <= domain` (infinity: everywhere); the
    /// kernel's docs say what holds beyond.
    pub domain: f32,
}

impl Accuracy {
    /// Correctly rounded forward and backward.
    pub const EXACT: Accuracy = Accuracy::ulps(0, 0);

    /// Bounds that hold for every input.
    pub const fn ulps(forward_ulps: u32, backward_ulps: u32) -> Accuracy {
        Accuracy {
            forward_ulps,
            backward_ulps,
            domain: f32::INFINITY,
        }
    }
}

/// The static description of an activation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Info {
    /// The spec name (PyTorch's functional name).
    pub name: &'static str,
    /// Other names the spec parser accepts.
    pub aliases: &'static [&'static str],
    /// Which family of SPEC.md it belongs to.
    pub family: Family,
    /// The forward formula, as SPEC.md writes it.
    pub forward: &'static str,
    /// The backward rule from the input, as SPEC.md writes it.
    pub backward: &'static str,
    /// Parameters in the order `Display` prints them.
    pub params: &'static [Param],
    /// Whether `backward_from_output` is available.
    pub from_output: FromOutput,
    /// The error bounds the kernel promises.
    pub accuracy: Accuracy,
    /// Spec strings that tests and benchmarks run (the first is the one
    /// benchmarks use).
    pub examples: &'static [&'static str],
}

/// An elementwise activation kernel: the math of one function, written once
/// for every lane backend.
///
/// Implementations live one per file under `kernels/`; `build.rs` finds each
/// `impl Elementwise for T` there and registers `T` (spec name, `Activation`
/// variant, dispatch, test and bench lists).
///
/// The lane methods must be `#[inline(always)]`, branch-free across lanes,
/// and give each lane a result that depends only on that lane's inputs.
pub trait Elementwise: Copy + core::fmt::Debug + PartialEq + Send + Sync + 'static {
    /// Name, parameters, formulas and examples.
    const INFO: Info;

    /// Builds the activation from parameter values in `INFO.params` order
    /// (defaults already filled in, kinds already checked). Rules beyond
    /// "not NaN" are checked by [`Elementwise::validate`].
    fn from_params(values: &[ParamValue]) -> Self;

    /// The value of parameter `index` (in `INFO.params` order).
    fn param(&self, index: usize) -> ParamValue;

    /// Checks the parameters' rules (NaN is already rejected for every float
    /// parameter before this is called).
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }

    /// Whether `backward_from_output` is valid for these parameters;
    /// `Err(reason)` if not. The default follows `INFO.from_output`.
    fn check_backward_from_output(&self) -> Result<(), &'static str> {
        match Self::INFO.from_output {
            FromOutput::Always | FromOutput::When(_) => Ok(()),
            FromOutput::Never(why) => Err(why),
        }
    }

    /// `y = f(x)`.
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F;

    /// `dx = f'(x)·dy`, with the kink conventions of SPEC.md.
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F;

    /// `dx` from the forward output `y` and `dy`. Only called when
    /// [`Elementwise::check_backward_from_output`] is `Ok`.
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        let _ = (y, dy);
        l.splat(f32::NAN)
    }
}

/// `Ok` if `ok`, else the error for `parameter` of activation `K` breaking `rule`.
pub fn check<K: Elementwise>(
    ok: bool,
    parameter: &'static str,
    value: f32,
    rule: &str,
) -> Result<(), Error> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            activation: K::INFO.name,
            parameter,
            value,
            rule: rule.to_string(),
        })
    }
}

/// Rejects NaN in any float parameter of `k`.
pub(crate) fn validate_all<K: Elementwise>(k: &K) -> Result<(), Error> {
    for (i, p) in K::INFO.params.iter().enumerate() {
        if let ParamValue::Float(v) = k.param(i) {
            check::<K>(!v.is_nan(), p.name, v, "must not be NaN")?;
        }
    }
    k.validate()
}

/// What kernel files import.
pub mod prelude {
    pub use super::{
        check, Accuracy, Elementwise, Family, FromOutput, Info, Param, ParamKind, ParamValue,
    };
    pub use crate::lanes::Lanes;
    pub use crate::Error;
}
