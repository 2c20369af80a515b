//! Independent runs spread over threads, results in input order: what lets `study` and
//! `exercises` use every core while each run stays exactly the run it would be alone.
//!
//! ```
//! let squares = lstm_lab::parallel::parallel_map(&[1, 2, 3], 2, false, |&x| Ok(x * x)).unwrap();
//! assert_eq!(squares, [1, 4, 9]);
//! ```

use crate::error::{Error, Result};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// `f` over every item, `jobs` items at a time, results in the order of `items`. The first
/// error stops the items not yet started and is returned, naming its item. `progress` draws one
/// bar (with an ETA) over all items.
pub fn parallel_map<T: Sync + std::fmt::Debug, R: Send>(
    items: &[T],
    jobs: usize,
    progress: bool,
    f: impl Fn(&T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    if jobs == 0 {
        return Err(Error::invalid("jobs", "must be at least 1"));
    }
    let bar = crate::train::progress_bar(progress, items.len() as u64, "runs");
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let results: Mutex<Vec<Option<Result<R>>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= items.len() || failed.load(Ordering::Relaxed) {
                        break;
                    }
                    let result = f(&items[k]);
                    if result.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    bar.set_message(format!("{:?}", items[k]));
                    bar.inc(1);
                    if let Ok(mut results) = results.lock() {
                        results[k] = Some(result);
                    }
                }
            });
        }
    });
    bar.finish_and_clear();
    let results = results
        .into_inner()
        .map_err(|_| Error::invalid("jobs", "a run panicked"))?;
    let mut out = Vec::with_capacity(items.len());
    for (result, item) in results.into_iter().zip(items) {
        match result {
            Some(Ok(r)) => out.push(r),
            Some(Err(e)) => {
                return Err(Error::invalid("run", format!("{item:?} failed: {e}")));
            }
            // Not started because another item failed; that failure is reported above.
            None => {}
        }
    }
    if out.len() < items.len() {
        return Err(Error::invalid("run", "a run failed"));
    }
    Ok(out)
}
