//! Independent runs spread over threads, results in input order: what lets `study` and
//! `exercises` use every core while each run stays exactly the run it would be alone.
//!
//! ```
//! let squares = lstm_lab::parallel::parallel_map(&[1, 2, 3], 2, false, |&x| Ok(x * x)).unwrap();
//! assert_eq!(squares, [1, 4, 9]);
//! ```

use crate::error::{Error, Result};
use rayon::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// `f` over every item on a pool of `jobs` threads (rayon), results in the order of `items`.
/// An error or panic stops the items not yet started and is returned, naming its item (a panic
/// becomes an error carrying the panic's message); when several fail at once, the one returned
/// is the first to fail in time, not necessarily the first in `items`. `progress` draws one bar (with an
/// ETA) over all items. Nothing here seeds or draws from a shared generator: every run owns its
/// own.
pub fn parallel_map<T: Sync + std::fmt::Debug, R: Send>(
    items: &[T],
    jobs: usize,
    progress: bool,
    f: impl Fn(&T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    if jobs == 0 {
        return Err(Error::invalid("jobs", "must be at least 1"));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.min(items.len()).max(1))
        .thread_name(|i| format!("lstm-lab-run-{i}"))
        .build()
        .map_err(|e| Error::invalid("jobs", format!("cannot start {jobs} threads: {e}")))?;
    let bar = crate::progress::progress_bar(progress, items.len() as u64, "runs");
    let out = pool.install(|| {
        items
            .par_iter()
            .map(|item| {
                let result = match catch_unwind(AssertUnwindSafe(|| f(item))) {
                    Ok(Ok(r)) => Ok(r),
                    Ok(Err(e)) => Err(Error::invalid("run", format!("{item:?} failed: {e}"))),
                    Err(panic) => Err(Error::invalid(
                        "run",
                        format!("{item:?} panicked: {}", panic_message(panic.as_ref())),
                    )),
                };
                bar.set_message(format!("{item:?}"));
                bar.inc(1);
                result
            })
            .collect::<Result<Vec<R>>>()
    });
    bar.finish_and_clear();
    out
}

/// The text of a panic's payload (`panic!("...")` carries a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_names_its_item_and_stops_the_rest() {
        let started = std::sync::atomic::AtomicUsize::new(0);
        let items: Vec<u32> = (0..200).collect();
        let err = parallel_map(&items, 2, false, |&x| {
            started.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if x == 3 {
                Err(Error::invalid("x", "three"))
            } else {
                std::thread::sleep(std::time::Duration::from_millis(2));
                Ok(x)
            }
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("3 failed") && err.contains("three"), "{err}");
        let started = started.into_inner();
        assert!(started < 200, "{started} of 200 items started after the failure");
    }

    #[test]
    fn a_panic_becomes_an_error_naming_its_item() {
        let err = parallel_map(&[1u32, 2, 3], 2, false, |&x| {
            if x == 2 {
                panic!("boom at {x}");
            }
            Ok(x)
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("2 panicked: boom at 2"), "{err}");
    }
}
