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

#[cfg(feature = "wgpu")]
fn wgpu() -> Result<Device> {
    Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice))
}
