//! A second thread for the other half of a large product: [`both`] runs one closure on the
//! calling thread and another on a helper thread, and returns when both are done.
//!
//! A product worth splitting takes tens of microseconds, and a training step runs a few dozen of
//! them back to back; waking a sleeping thread through the kernel costs about as much as the half
//! it would take over (a rayon `join` from outside its pool made echo-partial 40% slower). So the
//! helper waits for the next job by spinning (yielding its core to anything else that wants
//! it), and parks only after about a millisecond without one: during a fit it is ready at once,
//! and between fits it sleeps.
//!
//! Either thread may run the posted half: whichever claims it first. The caller, once its own
//! half is done, claims the other half itself if the helper has not started it, so a helper
//! that the OS does not schedule (a busy machine: two runs at once, a build beside a notebook)
//! costs a claim, not a wait.

use std::cell::UnsafeCell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// How long the helper waits for a job before it parks.
const SPIN: Duration = Duration::from_millis(1);

/// How long the helper spins without yielding its core after a job.
const HOT: Duration = Duration::from_micros(20);

/// The job slot shared by the caller and the helper thread.
struct Helper {
    /// Jobs posted so far: job `n` is the `n`-th.
    posted: AtomicU64,
    /// The last job claimed, by the helper or by its caller: whoever moves it from `n - 1` to
    /// `n` runs job `n`.
    claimed: AtomicU64,
    /// The last job the helper has finished running.
    done: AtomicU64,
    /// Whether the helper is parked (or about to), so that the caller must unpark it.
    parked: AtomicBool,
    /// Whether the last job the helper ran panicked (the caller then panics too).
    panicked: AtomicBool,
    /// The job: a closure on the caller's stack, valid until the caller returns.
    job: UnsafeCell<Option<&'static (dyn Fn() + Sync)>>,
    thread: OnceLock<Thread>,
}

// SAFETY: `job` is written only by the caller before it bumps `posted` (SeqCst) and read only by
// the helper after it has claimed that job, which the caller then waits for (`done`) before it
// returns or posts again. Only one caller at a time: `both` takes `CALLER`.
unsafe impl Sync for Helper {}

static HELPER: OnceLock<Option<&'static Helper>> = OnceLock::new();
/// Serialises callers, so that two threads never post at once.
static CALLER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The helper, started on first use; `None` if the host has one core or no thread can start.
fn helper() -> Option<&'static Helper> {
    *HELPER.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return None;
        }
        let helper: &'static Helper = Box::leak(Box::new(Helper {
            posted: AtomicU64::new(0),
            claimed: AtomicU64::new(0),
            done: AtomicU64::new(0),
            parked: AtomicBool::new(false),
            panicked: AtomicBool::new(false),
            job: UnsafeCell::new(None),
            thread: OnceLock::new(),
        }));
        let handle = std::thread::Builder::new()
            .name("lstm-lab-helper".into())
            .spawn(move || serve(helper))
            .ok()?;
        helper.thread.set(handle.thread().clone()).ok()?;
        Some(helper)
    })
}

/// Claims job `ticket` for the calling thread; false if the other thread has it.
fn claim(helper: &Helper, ticket: u64) -> bool {
    helper
        .claimed
        .compare_exchange(ticket - 1, ticket, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
}

thread_local! {
    /// Set on the helper thread and on a caller inside [`both`]: a `both` called from there runs
    /// its halves one after the other (the helper is busy, and `CALLER` is held).
    static INSIDE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The helper thread's loop: claim and run each job as it is posted, wait for the next (spinning,
/// then yielding), park when none comes.
fn serve(helper: &'static Helper) {
    INSIDE.set(true);
    let mut last_job = Instant::now();
    let mut seen = 0;
    loop {
        let posted = helper.posted.load(Ordering::SeqCst);
        if posted > seen {
            seen = posted;
            if claim(helper, posted) {
                // SAFETY: see `Helper`: the claimed job is set and its caller waits for `done`.
                let job = unsafe { *helper.job.get() };
                // A panic must not leave the caller waiting: it is passed on to the caller, and
                // `done` is stored before its payload is dropped (a payload whose drop panics
                // would end this thread).
                let outcome = job.map(|job| std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)));
                helper
                    .panicked
                    .store(matches!(outcome, Some(Err(_))), Ordering::Relaxed);
                helper.done.store(posted, Ordering::Release);
                drop(outcome);
            }
            last_job = Instant::now();
            continue;
        }
        let idle = last_job.elapsed();
        if idle < HOT {
            std::hint::spin_loop();
        } else if idle < SPIN {
            std::thread::yield_now();
        } else {
            helper.parked.store(true, Ordering::SeqCst);
            // Re-check after announcing the park, so that a job posted in between is not missed.
            if helper.posted.load(Ordering::SeqCst) == seen {
                std::thread::park();
            }
            helper.parked.store(false, Ordering::SeqCst);
            last_job = Instant::now();
        }
    }
}

/// Whether [`both`] would use a second thread when called here: the host has two cores or more,
/// the helper could start, and this thread is neither a rayon pool's nor inside `both`.
#[cfg(test)]
pub fn available() -> bool {
    rayon::current_thread_index().is_none() && !INSIDE.get() && helper().is_some()
}

/// How many jobs the helper thread has been given so far (0 without one): what the split tests
/// read to know that a product was split.
#[cfg(test)]
pub fn jobs() -> u64 {
    helper().map_or(0, |h| h.posted.load(Ordering::Relaxed))
}

/// Runs `mine` on this thread and `theirs` on the helper thread at once, and returns when both
/// have finished; `theirs` runs here after `mine` if the helper has not started it by then, and
/// without a helper: on a one-core host, on a thread of a rayon pool (one of several runs side
/// by side already), and inside another `both`.
pub fn both(mine: impl FnOnce(), theirs: impl FnOnce() + Send) {
    let usable = rayon::current_thread_index().is_none() && !INSIDE.get();
    let Some(helper) = helper().filter(|_| usable) else {
        mine();
        theirs();
        return;
    };
    let _caller = CALLER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    INSIDE.set(true);
    // Cleared however this call ends, unwinding included.
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            INSIDE.set(false);
        }
    }
    let _leave = Leave;
    let slot = std::sync::Mutex::new(Some(theirs));
    let run = || {
        let theirs = slot.lock().map(|mut s| s.take()).unwrap_or(None);
        if let Some(theirs) = theirs {
            theirs();
        }
    };
    let job: &(dyn Fn() + Sync) = &run;
    // SAFETY: the helper reads `job` only after claiming it, and then this function waits for
    // `done` before returning, so `run` outlives its use.
    let job: &'static (dyn Fn() + Sync) = unsafe { std::mem::transmute(job) };
    unsafe { *helper.job.get() = Some(job) };
    let ticket = helper.posted.fetch_add(1, Ordering::SeqCst) + 1;
    if helper.parked.load(Ordering::SeqCst)
        && let Some(thread) = helper.thread.get()
    {
        thread.unpark();
    }
    // Even if `mine` panics, `run` must outlive the helper's use of it.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(mine));
    let helper_runs_it = !claim(helper, ticket);
    if helper_runs_it {
        // Spin while the helper finishes its half; yield the core if it takes long (a helper
        // preempted on a busy machine may need it).
        let mut spins = 0u32;
        while helper.done.load(Ordering::Acquire) < ticket {
            spins = spins.saturating_add(1);
            if spins < 4096 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    } else {
        run();
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    assert!(
        !(helper_runs_it && helper.panicked.load(Ordering::Relaxed)),
        "the helper thread's half of the work panicked"
    );
}
