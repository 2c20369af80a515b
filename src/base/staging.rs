//! Writing results so that no run is lost or half-written: a run's files are staged in a folder
//! of their own and moved into place together ([`Staging`]), and the README's generated
//! sections are rewritten between their markers.

use crate::error::Result;
use crate::files::{read_text, reading, writing};
use std::path::{Path, PathBuf};

/// Collects the files of a run in a staging folder, then moves them into the output folder.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    files: Vec<PathBuf>,
    obsolete: Vec<PathBuf>,
}

impl Staging {
    /// Starts staging for `out` (created if missing), in a folder named by this host and
    /// process (`.staging-HOST-PID`), so that shards on many nodes sharing one `out` never
    /// collide. Staging folders left by killed runs are removed only when provably abandoned:
    /// made on this host by a process that no longer exists. Another live run's folder, or
    /// one from another host, is left alone.
    pub fn new(out: &Path) -> Result<Self> {
        std::fs::create_dir_all(out).map_err(writing(out))?;
        let host = host_name();
        for entry in std::fs::read_dir(out).map_err(reading(out))? {
            let entry = entry.map_err(reading(out))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name
                .strip_prefix(".staging-")
                .and_then(|rest| rest.strip_prefix(host.as_str()))
                .and_then(|rest| rest.strip_prefix('-'))
                .and_then(|pid| pid.parse::<u32>().ok())
                && !process_exists(pid)
            {
                remove_dir_if_present(&entry.path())?;
            }
        }
        let dir = out.join(format!(".staging-{host}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(writing(&dir))?;
        Ok(Self {
            out: out.to_path_buf(),
            dir,
            files: Vec::new(),
            obsolete: Vec::new(),
        })
    }

    /// Stages `contents` for `relative` (e.g. `plots/echo-whole.svg`).
    pub fn write(&mut self, relative: &str, contents: &[u8]) -> Result<()> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(writing(parent))?;
        }
        std::fs::write(&path, contents).map_err(writing(&path))?;
        self.files.push(PathBuf::from(relative));
        Ok(())
    }

    /// Marks the extra-seed files of `id` already in the output folder (`<id>.seed-<n>.json`
    /// and their plots) for removal at [`Staging::commit`], so that a rerun of `id` with fewer
    /// seeds leaves no stale results behind its summary.
    pub fn replace_seeds_of(&mut self, id: &str) -> Result<()> {
        let prefix = format!("{id}.seed-");
        for folder in ["", "plots"] {
            let Ok(entries) = std::fs::read_dir(self.out.join(folder)) else {
                continue;
            };
            for entry in entries {
                let name = entry
                    .map_err(reading(&self.out))?
                    .file_name()
                    .to_string_lossy()
                    .into_owned();
                if name.starts_with(&prefix) {
                    self.obsolete.push(Path::new(folder).join(name));
                }
            }
        }
        Ok(())
    }

    /// Moves every staged file into the output folder (each by a rename) and removes the
    /// staging folder.
    pub fn commit(self) -> Result<()> {
        for relative in &self.files {
            let target = self.out.join(relative);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(writing(parent))?;
            }
            std::fs::rename(self.dir.join(relative), &target).map_err(writing(&target))?;
        }
        for stale in self.obsolete.iter().filter(|p| !self.files.contains(p)) {
            let stale = self.out.join(stale);
            std::fs::remove_file(&stale).map_err(writing(&stale))?;
        }
        std::fs::remove_dir_all(&self.dir).map_err(writing(&self.dir))?;
        Ok(())
    }
}

/// This machine's host name (Linux: /proc/sys/kernel/hostname), with any character other than
/// a letter, digit or `.` replaced by `_` so that it cannot split a folder name; `unknown_host`
/// where it cannot be read.
pub fn host_name() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "unknown_host".to_string());
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Removes a folder and all it holds; one already gone (another run on this host removed the
/// same abandoned folder first) is not an error.
pub fn remove_dir_if_present(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(writing(dir)(e)),
        _ => Ok(()),
    }
}

/// Whether a process with this id runs on this machine. Where that cannot be known (no
/// /proc), it answers yes, so that nothing is removed on a guess.
fn process_exists(pid: u32) -> bool {
    !Path::new("/proc/self").exists() || Path::new(&format!("/proc/{pid}")).exists()
}

/// Replaces the text between `<!-- {section}:start -->` and `<!-- {section}:end -->` in
/// `readme` with `table`. Returns false (and changes nothing) when the markers are missing.
pub fn update_readme_section(readme: &Path, section: &str, table: &str) -> Result<bool> {
    let (start, end) = (
        format!("<!-- {section}:start -->"),
        format!("<!-- {section}:end -->"),
    );
    let text = read_text(readme, "")?;
    let (Some(i), Some(j)) = (text.find(&start), text.find(&end)) else {
        return Ok(false);
    };
    if j < i {
        return Ok(false);
    }
    let updated = format!("{}{start}\n{table}{}", &text[..i], &text[j..]);
    let tmp = readme.with_extension("md.tmp");
    std::fs::write(&tmp, updated).map_err(writing(&tmp))?;
    std::fs::rename(&tmp, readme).map_err(writing(readme))?;
    Ok(true)
}
