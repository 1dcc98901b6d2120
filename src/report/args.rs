//! Command-line options of the report.

use simd_activations::{activations, Activation, Backend, Kind, Stores};
use std::fmt;

/// The passes the report can time.
pub const PASSES: [&str; 4] = [
    "forward",
    "forward_inplace",
    "backward",
    "backward_from_output",
];

/// Row length of rowwise activations when `[cols=N]` is not given.
pub const DEFAULT_COLS: usize = 1024;

/// The element type an op's buffers hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    F32,
    F16,
    Bf16,
}

impl Dtype {
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::F16 => "f16",
            Dtype::Bf16 => "bf16",
        }
    }

    fn parse(s: &str) -> Result<Dtype, String> {
        match s {
            "f32" => Ok(Dtype::F32),
            "f16" => Ok(Dtype::F16),
            "bf16" => Ok(Dtype::Bf16),
            _ => Err(format!("unknown dtype {s:?} (expected f32, f16 or bf16)")),
        }
    }
}

/// Why f16/bf16 ops need the `half` feature.
#[cfg(not(feature = "half"))]
const HALF_FEATURE: &str = "f16 and bf16 buffers need the half feature: \
                            cargo run --release --features half -- ...";

/// One measured operation.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// An activation by spec; rowwise ones on rows of `cols` elements.
    Spec { act: Activation, cols: usize },
    /// The same on f16 or bf16 buffers (`half` feature), converted to f32
    /// block by block.
    #[cfg_attr(not(feature = "half"), allow(dead_code))]
    Half {
        act: Activation,
        cols: usize,
        dtype: Dtype,
    },
    /// prelu with one weight per channel, channels-first `[N, C, *]` (or
    /// channels-last `[N, *, C]`), backward with the weight gradient.
    PreluChannels { channels: usize, last: bool },
    /// rrelu or noisy_relu in training mode (draws from a seed).
    Training(Activation),
    /// `f(x + b)` with a bias of `features` broadcast over rows: fused, or
    /// as the two separate passes (bias add, then the activation) it
    /// replaces.
    Bias {
        act: Activation,
        features: usize,
        unfused: bool,
    },
    /// An elementwise activation with its output stores forced one way
    /// (`[stores=cached]` or `[stores=stream]`).
    Stores { act: Activation, stores: Stores },
}

impl fmt::Display for Op {
    /// The name the report prints, which `--ops` parses back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Spec { act, cols } if act.kind() == Kind::Rowwise => {
                write!(f, "{act}[cols={cols}]")
            }
            Op::Spec { act, .. } => write!(f, "{act}"),
            Op::Half { act, cols, dtype } if act.kind() == Kind::Rowwise => {
                write!(f, "{act}[cols={cols},dtype={}]", dtype.name())
            }
            Op::Half { act, dtype, .. } => write!(f, "{act}[dtype={}]", dtype.name()),
            Op::PreluChannels { channels, last } => write!(
                f,
                "prelu[channels={channels}{}]",
                if *last { ",last" } else { "" }
            ),
            Op::Training(act) => write!(f, "{act}[training]"),
            Op::Bias {
                act,
                features,
                unfused,
            } => write!(
                f,
                "{act}[bias={features}{}]",
                if *unfused { ",unfused" } else { "" }
            ),
            Op::Stores { act, stores } => write!(
                f,
                "{act}[stores={}]",
                match stores {
                    Stores::Streaming => "stream",
                    Stores::Cached => "cached",
                    Stores::Auto => "auto",
                }
            ),
        }
    }
}

/// The ops the report runs by default: every activation with its first
/// example (rowwise ones on rows of 1024), per-channel prelu with its
/// weight gradient, and rrelu in training mode.
pub fn default_ops() -> Vec<Op> {
    let mut ops: Vec<Op> = activations()
        .map(|i| Op::Spec {
            act: i.examples[0].parse().expect("examples parse"),
            cols: DEFAULT_COLS,
        })
        .collect();
    for extra in [
        "prelu[channels=64]",
        "rrelu[training]",
        // Unfused first: the fused rows then show their ratio to it.
        "gelu[bias=1024,unfused]",
        "gelu[bias=1024]",
    ] {
        ops.push(parse_op(extra).expect("default ops parse"));
    }
    // Half-precision storage, where the report is built with it.
    #[cfg(feature = "half")]
    for extra in [
        "relu[dtype=f16]",
        "relu[dtype=bf16]",
        "sigmoid[dtype=f16]",
        "sigmoid[dtype=bf16]",
        "gelu[dtype=f16]",
        "gelu[dtype=bf16]",
    ] {
        ops.push(parse_op(extra).expect("default ops parse"));
    }
    ops
}

/// `ops` with every plain activation (`Op::Spec`) timed on each of
/// `dtypes` (f32: the op itself); other ops stay as they are.
fn with_dtypes(ops: Vec<Op>, dtypes: &[Dtype]) -> Result<Vec<Op>, String> {
    let mut out = Vec::new();
    for op in ops {
        match op {
            Op::Spec { act, cols } => {
                for &dtype in dtypes {
                    out.push(half_op(act, cols, dtype)?);
                }
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// `act` on buffers of `dtype`.
fn half_op(act: Activation, cols: usize, dtype: Dtype) -> Result<Op, String> {
    match dtype {
        Dtype::F32 => Ok(Op::Spec { act, cols }),
        #[cfg(feature = "half")]
        _ => Ok(Op::Half { act, cols, dtype }),
        #[cfg(not(feature = "half"))]
        _ => Err(HALF_FEATURE.to_string()),
    }
}

/// What to measure and how to print it.
#[derive(Debug)]
pub struct Options {
    pub ops: Vec<Op>,
    pub sizes: Vec<usize>,
    pub threads: Vec<usize>,
    pub backends: Vec<Backend>,
    /// Whether `--backends` was given: then every size times every backend
    /// listed; by default sizes above [`SLOW_BACKENDS_MAX_LEN`] time only the
    /// best one (the scalar and portable rows of the small sizes give the
    /// comparison; at 16M elements they would take minutes).
    pub explicit_backends: bool,
    pub passes: Vec<&'static str>,
    pub json: bool,
}

impl Options {
    /// Whether any op works on f16 or bf16 buffers (the report then adds
    /// the copy row of 2-byte elements).
    #[cfg_attr(not(feature = "half"), allow(dead_code))]
    pub fn has_half(&self) -> bool {
        self.ops.iter().any(|op| matches!(op, Op::Half { .. }))
    }
}

/// The largest size timed on every backend unless `--backends` is given.
pub const SLOW_BACKENDS_MAX_LEN: usize = 1 << 20;

pub const USAGE: &str = "\
usage: simd-activations [options]
       simd-activations accuracy [--ops SPECS] [--backends B,...] [--exhaustive] [--per-binade N] [--markdown]
       simd-activations sweep [--ops SPECS] [--sizes N,...] [--chunks N,...] [--threads T] [--backend B] [--idle US]

Times every activation's forward and backward passes on every backend this
CPU has, next to a plain memory copy of the same bytes.

options:
  --ops SPECS       comma-separated activations, e.g. relu,leaky_relu(negative_slope=0.2),
                    each optionally followed by [options]: softmax[cols=N] (rowwise functions
                    on rows of N, default 1024), prelu[channels=C] or prelu[channels=C,last]
                    (one weight per channel, backward with the weight gradient),
                    rrelu[training] and noisy_relu[training] (random draws from a seed),
                    relu[bias=F] (y = f(x + b), b of F features over rows; backward with
                    the bias gradient) and relu[bias=F,unfused] (the same as separate passes;
                    listed first, the fused rows then show their speedup over it),
                    relu[stores=stream] and relu[stores=cached] (output stores forced
                    streaming or through the cache; plain relu streams from 16M elements)
                    and, with the half feature, relu[dtype=bf16] (f16 or bf16 buffers,
                    computed in f32; rowwise ones: softmax[cols=N,dtype=f16])
                    (default: every activation with its first example parameters, and
                    prelu[channels=64], rrelu[training], gelu[bias=1024] fused and unfused;
                    with the half feature also relu, sigmoid and gelu on f16 and bf16)
  --dtypes T,...    f32, f16, bf16: time every plain activation of --ops on each
                    (f16 and bf16 need the half feature: cargo run --release --features half)
  --sizes N,...     element counts; K and M suffixes allowed (default: 16K,16M)
  --threads T,...   thread counts; 1 times each backend serially, T > 1 times the
                    parallel path on the best backend in a pool of T threads
                    (default: 1 and all cores)
  --backends B,...  scalar, portable, avx2, avx512 (default: every supported one,
                    or only the one SIMD_ACTIVATIONS_BACKEND names; sizes above 1M
                    then time only the best one, unless --backends is given)
  --passes P,...    forward, forward_inplace, backward, backward_from_output (default: all)
  --json            one JSON object per line instead of tables
  -h, --help        this text

accuracy: compares every pass with the f64 references, in ULPs, on each
backend; a stratified sample by default (seconds), every f32 bit pattern with
--exhaustive (hours). Exits with 1 if a bound fails.

sweep: times each op's forward serially and on the parallel path with every
split allowed, for each chunk length, on a pool of --threads (default: all
cores); defaults relu,sigmoid,gelu, sizes 16K..16M, chunks 16K,64K,256K.
Each cell is the best of back-to-back calls inside that pool; with --idle US
the median of single calls from outside it (on the global pool, as a
training loop calls), each after US microseconds without work, so the
workers' wake-up counts.
";

/// The command line's flags one at a time, each taking its value on demand.
struct Flags<'a>(core::slice::Iter<'a, String>);

impl Flags<'_> {
    /// The next flag.
    fn next(&mut self) -> Option<&String> {
        self.0.next()
    }

    /// The value after flag `name`.
    fn value(&mut self, name: &str) -> Result<String, String> {
        self.0
            .next()
            .cloned()
            .ok_or_else(|| format!("{name} needs a value"))
    }
}

/// Splits `s` at commas that are not inside parentheses.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(s[start..].trim());
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// `16K` = 16384, `16M` = 16777216, or a plain number.
fn parse_size(s: &str) -> Result<usize, String> {
    let (digits, scale) = match s.chars().last() {
        Some('k' | 'K') => (&s[..s.len() - 1], 1 << 10),
        Some('m' | 'M') => (&s[..s.len() - 1], 1 << 20),
        _ => (s, 1),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("--sizes: {s:?} is not a positive element count"))
}

/// An activation given by name only takes its first example (so
/// activations with required parameters still run); a full spec is parsed
/// as given.
fn parse_activation(s: &str) -> Result<Activation, String> {
    if let Some(info) = activations().find(|i| i.name == s || i.aliases.contains(&s)) {
        return info.examples[0].parse().map_err(|e| format!("{e}"));
    }
    s.parse().map_err(|e| format!("--ops: {e}"))
}

/// An activation, optionally followed by `[options]` (see USAGE).
pub fn parse_op(s: &str) -> Result<Op, String> {
    let s = s.trim();
    let (base, options) = match s.strip_suffix(']').and_then(|r| r.rsplit_once('[')) {
        Some((base, options)) => (base.trim(), Some(options)),
        None => (s, None),
    };
    let act = parse_activation(base)?;
    let Some(options) = options else {
        return Ok(Op::Spec {
            act,
            cols: DEFAULT_COLS,
        });
    };
    let bad = |why: &str| format!("--ops: {s:?}: {why}");
    let mut options: Vec<&str> = options.split(',').map(str::trim).collect();
    if let Some(i) = options.iter().position(|o| o.starts_with("dtype=")) {
        let dtype = Dtype::parse(&options.remove(i)["dtype=".len()..]).map_err(|e| bad(&e))?;
        let cols = match options.as_slice() {
            [] => DEFAULT_COLS,
            [cols] if cols.starts_with("cols=") => parse_size(&cols["cols=".len()..])
                .map_err(|_| bad("cols must be a positive count"))?,
            _ => return Err(bad("dtype= goes with plain activations (and cols=N)")),
        };
        return half_op(act, cols, dtype).map_err(|e| bad(&e));
    }
    match options.as_slice() {
        ["training"] if matches!(act.name(), "rrelu" | "noisy_relu") => Ok(Op::Training(act)),
        ["training"] => Err(bad("only rrelu and noisy_relu have a training mode")),
        [channels, rest @ ..] if channels.starts_with("channels=") => {
            if act.name() != "prelu" {
                return Err(bad("only prelu has per-channel weights"));
            }
            let c = channels["channels=".len()..]
                .parse::<usize>()
                .ok()
                .filter(|&c| c > 0)
                .ok_or_else(|| bad("channels must be a positive count"))?;
            match rest {
                [] => Ok(Op::PreluChannels {
                    channels: c,
                    last: false,
                }),
                ["last"] => Ok(Op::PreluChannels {
                    channels: c,
                    last: true,
                }),
                _ => Err(bad("expected [channels=C] or [channels=C,last]")),
            }
        }
        [bias, rest @ ..] if bias.starts_with("bias=") => {
            if act.kind() != Kind::Elementwise {
                return Err(bad("bias + activation needs an elementwise function"));
            }
            let features = parse_size(&bias["bias=".len()..])
                .map_err(|_| bad("bias must be a positive feature count"))?;
            let unfused = match rest {
                [] => false,
                ["unfused"] => true,
                _ => return Err(bad("expected [bias=F] or [bias=F,unfused]")),
            };
            Ok(Op::Bias {
                act,
                features,
                unfused,
            })
        }
        [stores] if stores.starts_with("stores=") => {
            if act.kind() != Kind::Elementwise {
                return Err(bad("stores= applies to elementwise functions"));
            }
            let stores = match &stores["stores=".len()..] {
                "stream" => Stores::Streaming,
                "cached" => Stores::Cached,
                "auto" => Stores::Auto,
                _ => {
                    return Err(bad(
                        "expected [stores=stream], [stores=cached] or [stores=auto]",
                    ))
                }
            };
            Ok(Op::Stores { act, stores })
        }
        [cols] if cols.starts_with("cols=") => {
            let cols = parse_size(&cols["cols=".len()..])
                .map_err(|_| bad("cols must be a positive count"))?;
            Ok(Op::Spec { act, cols })
        }
        _ => Err(bad(
            "unknown options (expected training, channels=C[,last], cols=N, bias=F[,unfused], \
             stores=stream|cached|auto or dtype=f16|bf16)",
        )),
    }
}

impl Options {
    /// Parses `args` (without the program name). `default_backends` is what
    /// runs when `--backends` is not given.
    pub fn parse(args: &[String], default_backends: Vec<Backend>) -> Result<Options, String> {
        let mut opts = Options {
            ops: default_ops(),
            sizes: vec![16 << 10, 16 << 20],
            threads: vec![
                1,
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            ],
            backends: default_backends,
            explicit_backends: false,
            passes: PASSES.to_vec(),
            json: false,
        };
        let mut dtypes = None;
        let mut flags = Flags(args.iter());
        while let Some(flag) = flags.next() {
            match flag.as_str() {
                "--json" => opts.json = true,
                "--dtypes" => {
                    let list: Vec<Dtype> = split_top_level(&flags.value("--dtypes")?)
                        .into_iter()
                        .map(|d| Dtype::parse(d).map_err(|e| format!("--dtypes: {e}")))
                        .collect::<Result<_, _>>()?;
                    if list.is_empty() {
                        return Err("--dtypes needs at least one value".to_string());
                    }
                    dtypes = Some(list);
                }
                "--ops" => {
                    let v = flags.value("--ops")?;
                    opts.ops = split_top_level(&v)
                        .into_iter()
                        .map(parse_op)
                        .collect::<Result<_, _>>()?;
                }
                "--sizes" => {
                    opts.sizes = split_top_level(&flags.value("--sizes")?)
                        .into_iter()
                        .map(parse_size)
                        .collect::<Result<_, _>>()?;
                }
                "--threads" => {
                    opts.threads = split_top_level(&flags.value("--threads")?)
                        .into_iter()
                        .map(|t| {
                            t.parse::<usize>()
                                .ok()
                                .filter(|&t| t > 0)
                                .ok_or_else(|| format!("--threads: {t:?} is not a positive count"))
                        })
                        .collect::<Result<_, _>>()?;
                }
                "--backends" => {
                    opts.backends = parse_backends(&flags.value("--backends")?)?;
                    opts.explicit_backends = true;
                }
                "--passes" => {
                    let mut passes = Vec::new();
                    for p in split_top_level(&flags.value("--passes")?) {
                        let pass = PASSES.iter().find(|q| **q == p).ok_or_else(|| {
                            format!(
                                "--passes: unknown pass {p:?} (expected one of {})",
                                PASSES.join(", ")
                            )
                        })?;
                        passes.push(*pass);
                    }
                    opts.passes = passes;
                }
                "-h" | "--help" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
            }
        }
        for (what, empty) in [
            ("--ops", opts.ops.is_empty()),
            ("--sizes", opts.sizes.is_empty()),
            ("--threads", opts.threads.is_empty()),
            ("--backends", opts.backends.is_empty()),
            ("--passes", opts.passes.is_empty()),
        ] {
            if empty {
                return Err(format!("{what} needs at least one value"));
            }
        }
        if let Some(dtypes) = dtypes {
            opts.ops = with_dtypes(opts.ops, &dtypes).map_err(|e| format!("--dtypes: {e}"))?;
        }
        opts.backends.sort();
        opts.backends.dedup();
        opts.threads.dedup();
        Ok(opts)
    }
}

/// `n` with a K or M suffix where it divides evenly (16384 -> "16K").
pub fn size_name(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{}M", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{}K", n >> 10)
    } else {
        n.to_string()
    }
}

/// A comma-separated list of activations (`--ops` of `sweep` and
/// `accuracy`).
fn parse_activations(list: &str) -> Result<Vec<Activation>, String> {
    split_top_level(list)
        .into_iter()
        .map(parse_activation)
        .collect()
}

/// Parses the options of `sweep`.
pub fn sweep_options(
    args: &[String],
    default_backends: &[Backend],
) -> Result<super::sweep::Options, String> {
    let sizes = |list: &str| {
        split_top_level(list)
            .into_iter()
            .map(parse_size)
            .collect::<Result<Vec<_>, _>>()
    };
    let mut opts = super::sweep::Options {
        ops: ["relu", "sigmoid", "gelu"]
            .iter()
            .map(|s| s.parse().expect("valid specs"))
            .collect(),
        sizes: sizes("16K,64K,256K,1M,4M,16M")?,
        chunks: sizes("16K,64K,256K")?,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        backend: *default_backends.last().ok_or("no backend to sweep")?,
        idle: None,
    };
    let mut flags = Flags(args.iter());
    while let Some(flag) = flags.next() {
        match flag.as_str() {
            "--ops" => opts.ops = parse_activations(&flags.value("--ops")?)?,
            "--sizes" => opts.sizes = sizes(&flags.value("--sizes")?)?,
            "--chunks" => {
                opts.chunks = sizes(&flags.value("--chunks")?)?;
                if let Some(c) = opts.chunks.iter().find(|c| !c.is_multiple_of(16)) {
                    return Err(format!("--chunks: {c} is not a multiple of 16 elements"));
                }
            }
            "--threads" => {
                let v = flags.value("--threads")?;
                opts.threads = v
                    .parse()
                    .ok()
                    .filter(|&t| t > 0)
                    .ok_or_else(|| format!("--threads: {v:?} is not a positive count"))?;
            }
            "--backend" => {
                let b = parse_backends(&flags.value("--backend")?)?;
                opts.backend = *b.last().ok_or("--backend needs a backend")?;
            }
            "--idle" => {
                let v = flags.value("--idle")?;
                let us: u64 = v
                    .parse()
                    .map_err(|_| format!("--idle: {v:?} is not a count of microseconds"))?;
                opts.idle = Some(std::time::Duration::from_micros(us));
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown sweep option {other:?}\n\n{USAGE}")),
        }
    }
    if opts.ops.is_empty() || opts.sizes.is_empty() || opts.chunks.is_empty() {
        return Err("sweep needs at least one op, size and chunk length".to_string());
    }
    if let Some(act) = opts.ops.iter().find(|a| a.kind() == Kind::Rowwise) {
        return Err(format!(
            "sweep times elementwise activations; {act} works on rows (the report times it)"
        ));
    }
    Ok(opts)
}

/// Parses the options of `accuracy`.
pub fn accuracy_options(
    args: &[String],
    default_backends: Vec<Backend>,
) -> Result<super::accuracy::Options, String> {
    let mut opts = super::accuracy::Options {
        ops: activations()
            .map(|i| i.examples[0].parse().expect("examples parse"))
            .collect(),
        backends: default_backends,
        exhaustive: false,
        per_binade: 256,
        markdown: false,
    };
    let mut flags = Flags(args.iter());
    while let Some(flag) = flags.next() {
        match flag.as_str() {
            "--exhaustive" => opts.exhaustive = true,
            "--markdown" => opts.markdown = true,
            "--ops" => opts.ops = parse_activations(&flags.value("--ops")?)?,
            "--backends" => opts.backends = parse_backends(&flags.value("--backends")?)?,
            "--per-binade" => {
                let v = flags.value("--per-binade")?;
                opts.per_binade = v
                    .parse()
                    .map_err(|_| format!("--per-binade: {v:?} is not a count"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown accuracy option {other:?}\n\n{USAGE}")),
        }
    }
    if opts.ops.is_empty() || opts.backends.is_empty() {
        return Err("accuracy needs at least one op and one backend".to_string());
    }
    Ok(opts)
}

/// Parses `--backends`, refusing any this CPU cannot run.
fn parse_backends(list: &str) -> Result<Vec<Backend>, String> {
    let mut backends = Vec::new();
    for name in split_top_level(list) {
        let b: Backend = name.parse().map_err(|e| format!("--backends: {e}"))?;
        if !b.is_supported() {
            return Err(format!(
                "--backends: {b} is not supported on this CPU (supported: {})",
                names(&Backend::supported())
            ));
        }
        backends.push(b);
    }
    backends.sort();
    backends.dedup();
    Ok(backends)
}

/// Backend names joined by ", ".
pub fn names(backends: &[Backend]) -> String {
    backends
        .iter()
        .map(|b| b.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_respects_parentheses() {
        assert_eq!(
            split_top_level("relu, hardtanh(min_val=-2,max_val=3),elu"),
            ["relu", "hardtanh(min_val=-2,max_val=3)", "elu"]
        );
        assert_eq!(parse_size("16K"), Ok(16384));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert!(parse_size("0").is_err() && parse_size("x").is_err());
    }

    #[test]
    fn options() {
        let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let o = Options::parse(
            &args("--ops threshold --sizes 4K --json"),
            vec![Backend::Scalar],
        )
        .unwrap();
        assert_eq!(o.ops[0].to_string(), "threshold(threshold=0.5,value=-1.0)");
        for op in [
            "prelu[channels=8,last]",
            "rrelu(lower=0.125,upper=0.33333334)[training]",
            "softmax(dim=-1)[cols=100]",
        ] {
            let o = Options::parse(&args(&format!("--ops {op}")), vec![Backend::Scalar]).unwrap();
            assert_eq!(o.ops[0].to_string(), op);
        }
        for bad in [
            "relu[training]",
            "prelu[channels=0]",
            "softmax[cols=x]",
            "relu[zap]",
        ] {
            assert!(parse_op(bad).is_err(), "{bad}");
        }
        assert!(o.json && o.sizes == [4096]);
        assert!(Options::parse(&args("--ops nope"), vec![Backend::Scalar]).is_err());
        assert!(Options::parse(&args("--bogus"), vec![Backend::Scalar]).is_err());
        assert!(Options::parse(&args("--passes sideways"), vec![Backend::Scalar]).is_err());
    }
}
