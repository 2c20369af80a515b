//! The machine a run was made on, recorded beside its numbers: the CPU model, the instruction
//! set the kernels ran at and the cache sizes.
//!
//! The numbers themselves must not depend on it: the kernels run at one SIMD level on every
//! x86-64 CPU with AVX2 + FMA, and no product sums more than
//! [`K_CHUNK`](crate::fused::math::K_CHUNK) terms in one call of the `gemm` crate, the only place
//! whose blocking follows the caches. Results record the host so that a difference, if one ever
//! appears, can be traced to the machines involved; `.ci/run`'s results diff skips these fields.

use serde::{Deserialize, Serialize};

/// What a results file records of the machine that made it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    /// The CPU's model name (`/proc/cpuinfo`), e.g. `AMD EPYC 9R14 96-Core Processor`.
    pub cpu: String,
    /// The instruction set the kernels were compiled for at run time: `x86-64-v3 (AVX2, FMA)`,
    /// or `baseline` on a CPU without them.
    pub simd: String,
    /// The data and unified caches of CPU 0, e.g. `L1d 48K`, `L2 2048K`, `L3 105M`.
    pub caches: Vec<String>,
}

impl Host {
    /// This machine.
    pub fn this() -> Self {
        Self {
            cpu: cpu_model(),
            simd: simd_level().to_string(),
            caches: caches(),
        }
    }

    /// One line: `Intel(R) Xeon(R) Processor; x86-64-v3 (AVX2, FMA); L1d 48K, L2 2048K, L3 ...`.
    pub fn line(&self) -> String {
        format!("{}; {}; {}", self.cpu, self.simd, self.caches.join(", "))
    }
}

/// `model name (vendor family F model M)` of CPU 0: a virtual machine often shows only a generic
/// name, which the family and model numbers make precise.
fn cpu_model() -> String {
    let Ok(text) = std::fs::read_to_string("/proc/cpuinfo") else {
        return format!("unknown {} CPU", std::env::consts::ARCH);
    };
    let field = |name: &str| {
        text.lines()
            .take_while(|l| !l.trim().is_empty()) // CPU 0 only
            .filter_map(|l| l.split_once(':'))
            .find(|(key, _)| key.trim() == name)
            .map(|(_, value)| value.trim().to_string())
    };
    let name = field("model name").unwrap_or_else(|| "unknown CPU".to_string());
    match (field("vendor_id"), field("cpu family"), field("model")) {
        (Some(vendor), Some(family), Some(model)) => {
            format!("{name} ({vendor} family {family} model {model})")
        }
        _ => name,
    }
}

/// The level `pulp` dispatches the gate activations to, and the one `gemm` (built without its
/// AVX-512 kernels) uses.
fn simd_level() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if pulp::x86::V3::try_new().is_some() {
        return "x86-64-v3 (AVX2, FMA)";
    }
    "baseline"
}

/// `L1d 48K`, ... from sysfs (Linux); empty where it is not readable.
fn caches() -> Vec<String> {
    let read = |path: std::path::PathBuf| std::fs::read_to_string(path).ok().map(|s| s.trim().to_string());
    let mut out = Vec::new();
    for index in 0..8 {
        let dir = std::path::PathBuf::from(format!("/sys/devices/system/cpu/cpu0/cache/index{index}"));
        let (Some(level), Some(kind), Some(size)) = (
            read(dir.join("level")),
            read(dir.join("type")),
            read(dir.join("size")),
        ) else {
            continue;
        };
        let kind = match kind.as_str() {
            "Data" => "d",
            "Instruction" => continue,
            _ => "",
        };
        out.push(format!("L{level}{kind} {size}"));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_host_is_described() {
        let host = super::Host::this();
        assert!(!host.cpu.is_empty() && !host.simd.is_empty());
        assert!(host.line().contains(&host.cpu));
    }
}
