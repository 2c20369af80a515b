//! Picking the backend: Burn's CPU backend by default, wgpu (GPU) when built with the `wgpu`
//! feature. Model code is the same for both.
//!
//! ```
//! let device = lstm_lab::device::from_name("cpu").unwrap();
//! assert!(lstm_lab::device::from_name("tpu").is_err());
//! # let _ = device;
//! ```

use crate::error::{Error, Result};
use burn::tensor::Device;

/// Burn's CPU backend (`flex`).
pub fn cpu() -> Device {
    Device::flex()
}

/// The device called `name`: `cpu`, or `wgpu` when the crate is built with `--features wgpu`.
pub fn from_name(name: &str) -> Result<Device> {
    match name {
        "cpu" => Ok(cpu()),
        "wgpu" => wgpu(),
        other => Err(Error::invalid(
            "device",
            format!("unknown device `{other}`; use `cpu` or `wgpu`"),
        )),
    }
}

#[cfg(not(feature = "wgpu"))]
fn wgpu() -> Result<Device> {
    Err(Error::invalid(
        "device",
        "this build has no wgpu backend; rebuild with `cargo run --release --features wgpu -- ...`",
    ))
}

/// The default wgpu adapter, initialised once per process with Burn's non-panicking
/// `Device::wgpu_options().init()`: a machine with no adapter (no GPU and no software Vulkan)
/// gets a clear error naming the fix, not a panic deep inside wgpu.
#[cfg(feature = "wgpu")]
fn wgpu() -> Result<Device> {
    static WGPU: std::sync::OnceLock<std::result::Result<Device, String>> = std::sync::OnceLock::new();
    WGPU.get_or_init(|| Device::wgpu_options().init().map_err(|e| e.to_string()))
        .clone()
        .map_err(|reason| {
            Error::invalid(
                "device",
                format!(
                    "no usable wgpu adapter ({reason}). Install a GPU driver with Vulkan, Metal \
                     or DX12 support, or a software Vulkan device (Debian/Ubuntu: \
                     `apt-get install mesa-vulkan-drivers`), or use `--device cpu`"
                ),
            )
        })
}
