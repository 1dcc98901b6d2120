//! What a kernel file under `kernels/` provides: the [`Elementwise`] trait
//! (or, for functions of a whole row, the [`Rowwise`] trait) and the
//! metadata ([`Info`], [`Param`]) the registry, the spec parser, the docs and
//! the tests read.

use crate::lanes::Lanes;
use crate::Error;
use alloc::string::{String, ToString};

/// The families of SPEC.md, used to group the catalogue and the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Exact or nearly exact: relu, clamps, shrinks, hard sigmoid/swish.
    PiecewiseLinear,
    /// Built on exp, log, tanh, erf and friends.
    Transcendental,
    /// SPEC.md's parametric, stochastic and grouped functions: prelu,
    /// rrelu, noisy_relu, maxout, softmax, log_softmax.
    Parametric,
}

/// How a registered kernel maps inputs to outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Each output element depends on the input element at the same index
    /// only ([`Elementwise`]).
    Elementwise,
    /// Each output row depends on the whole input row ([`Rowwise`]:
    /// softmax, log_softmax, maxout). The slice methods of
    /// [`crate::ActivationFn`] treat the whole buffer as one row; the
    /// `*_rows` methods take the row length.
    Rowwise,
}

/// The type of a parameter's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamKind {
    /// A floating-point number (NaN is always rejected).
    Float,
    /// One of a fixed set of unquoted names, e.g. `none` or `tanh`.
    Choice(&'static [&'static str]),
    /// An integer (written without a decimal point), e.g. `k=2`, `dim=-1`.
    Int,
}

/// A parameter's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamValue {
    /// A number.
    Float(f32),
    /// One of the parameter's choices.
    Choice(&'static str),
    /// An integer.
    Int(i32),
}

impl ParamValue {
    /// The number (an integer converted); 0 for a choice (kernels only ask
    /// floats of float params).
    pub fn float(self) -> f32 {
        match self {
            ParamValue::Float(v) => v,
            ParamValue::Int(v) => v as f32,
            ParamValue::Choice(_) => 0.0,
        }
    }

    /// The choice; "" for a number.
    pub fn choice(self) -> &'static str {
        match self {
            ParamValue::Choice(c) => c,
            ParamValue::Float(_) | ParamValue::Int(_) => "",
        }
    }

    /// The integer; 0 for anything else (kernels only ask integers of
    /// integer params).
    pub fn int(self) -> i32 {
        match self {
            ParamValue::Int(v) => v,
            ParamValue::Float(_) | ParamValue::Choice(_) => 0,
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

    /// An integer parameter with a default.
    pub const fn int(name: &'static str, default: i32, doc: &'static str) -> Param {
        Param {
            name,
            kind: ParamKind::Int,
            default: Some(ParamValue::Int(default)),
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

/// What every registered kernel has, whichever its [`Kind`]: the metadata,
/// construction from parameter values and validation.
///
/// `build.rs` implements it for each kernel type by forwarding to the
/// type's [`Elementwise`] or [`Rowwise`] impl; kernel files never implement
/// it themselves.
pub trait Kernel: Copy + core::fmt::Debug + PartialEq + Send + Sync + 'static {
    /// Name, parameters, formulas and examples.
    const INFO: Info;
    /// Which trait the kernel implements.
    const KIND: Kind;
    /// See [`Elementwise::from_params`].
    fn from_params(values: &[ParamValue]) -> Self;
    /// See [`Elementwise::param`].
    fn param(&self, index: usize) -> ParamValue;
    /// See [`Elementwise::validate`].
    fn validate(&self) -> Result<(), Error>;
    /// See [`Elementwise::check_backward_from_output`].
    fn check_backward_from_output(&self) -> Result<(), &'static str>;
}

/// A function of a whole row (the last dimension of a `[rows, cols]`
/// buffer): softmax, log_softmax, maxout.
///
/// Implementations live under `kernels/` next to the elementwise ones;
/// `build.rs` finds each `impl Rowwise for T` and registers `T` the same way
/// (spec name, `Activation` variant, dispatch). The metadata items mean what
/// they mean for [`Elementwise`]; [`Rowwise::run`] does a whole call, with
/// the lane math in the kernel file and the row and thread split in
/// `src/rows.rs`.
pub trait Rowwise: Copy + core::fmt::Debug + PartialEq + Send + Sync + 'static {
    /// Name, parameters, formulas and examples.
    const INFO: Info;

    /// Builds the kernel from parameter values in `INFO.params` order.
    fn from_params(values: &[ParamValue]) -> Self;

    /// The value of parameter `index`.
    fn param(&self, index: usize) -> ParamValue;

    /// Checks the parameters' rules.
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }

    /// Whether `backward_from_output` is valid; `Err(reason)` if not.
    fn check_backward_from_output(&self) -> Result<(), &'static str> {
        match Self::INFO.from_output {
            FromOutput::Always | FromOutput::When(_) => Ok(()),
            FromOutput::Never(why) => Err(why),
        }
    }

    /// The length of an output row for input rows of `cols` elements, or
    /// why such rows are not accepted.
    fn output_cols(&self, cols: usize) -> Result<usize, String>;

    /// Whether `forward_inplace` is possible (output rows as long as input
    /// rows).
    fn supports_inplace(&self) -> bool;

    /// Runs one call; buffer lengths, shapes and parameters are already
    /// checked.
    fn run(&self, call: crate::rows::RowCall<'_>);
}

/// `Ok` if `ok`, else the error for `parameter` of activation `K` breaking `rule`.
pub fn check<K: Kernel>(
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
pub(crate) fn validate_all<K: Kernel>(k: &K) -> Result<(), Error> {
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
        check, Accuracy, Elementwise, Family, FromOutput, Info, Kernel, Param, ParamKind,
        ParamValue, Rowwise,
    };
    pub use crate::lanes::Lanes;
    pub use crate::Error;
}
