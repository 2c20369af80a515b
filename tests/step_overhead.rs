//! The per-step overhead of training on the tutorials' smallest models, where the arithmetic of a
//! step is a few microseconds and everything else is overhead: heap allocations per step
//! (counted by a global allocator) and microseconds per step, through the reference step
//! (`Learner::train_step`: Burn's autodiff) and through `fit`'s fused CPU step.
//!
//! Run with `cargo test --release --test step_overhead -- --nocapture` to see the figures. What is
//! asserted: a fused step allocates less than a tenth as often as a reference one, and nothing
//! (under one allocation per hundred steps) once a fit is under way.

use burn::tensor::Device;
use lstm_lab::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting the allocations (and reallocations) it serves to each thread
/// (so the tests, which run side by side, count only their own).
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

/// Allocations served to this thread so far.
fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

fn count() {
    // `try_with`: a thread being torn down has no counter left, and is not counted.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// A model and how it is fed: name, model, stateful, batch.
type Workload = (&'static str, ModelConfig, bool, usize);

/// The tutorials' two smallest per-step workloads.
fn cases() -> [Workload; 2] {
    [
        (
            "alphabet-2step (LSTM(32) on [2, 1] -> Dense(26), batch 1)",
            ModelConfig::new(2, 1, 32, 26, Topology::ManyToOne).unwrap(),
            false,
            1,
        ),
        (
            "echo-whole (LSTM(20) on [5, 100] -> TimeDistributed(Dense(100)), batch 7, stateful)",
            ModelConfig::new(5, 100, 20, 100, Topology::Seq2Seq).unwrap(),
            true,
            7,
        ),
    ]
}

/// Allocations and microseconds per step of a whole `fit` (the tutorial's epochs), through the
/// fused step or the reference one.
fn per_step_of_fit(config: ModelConfig, stateful: bool, batch: usize, fused: bool) -> (f64, f64) {
    let (allocations, micros) = fit_counting(config, stateful, batch, fused, 400);
    let steps = (400 * 3) as f64;
    (allocations as f64 / steps, micros / steps)
}

/// The allocations of a fit's steady state, per fused step: those of a 700-epoch fit less those
/// of a 100-epoch one (the same model, data and seed), over the 1800 steps between. A fit's own
/// allocations (setting up, copying the parameters back) vary by a few from one fit to the next,
/// so each count is the least of three fits; the history's three growths (to 256, 512 and 1024
/// epochs) are in the difference.
fn steady_allocations_per_step(config: ModelConfig, stateful: bool, batch: usize) -> f64 {
    // First, a fit for what this thread sets up once (the `gemm` crate's cache sizes, say).
    fit_counting(config, stateful, batch, true, 1);
    let least = |epochs| {
        (0..3)
            .map(|_| fit_counting(config, stateful, batch, true, epochs).0)
            .min()
            .unwrap()
    };
    let (short, long) = (least(100), least(700));
    (long as f64 - short as f64) / (600 * 3) as f64
}

/// The allocations and microseconds of one whole `fit` of `epochs` epochs of three batches,
/// shuffled every epoch unless the model is stateful (as the tutorials fit them).
fn fit_counting(
    config: ModelConfig,
    stateful: bool,
    batch: usize,
    fused: bool,
    epochs: usize,
) -> (usize, f64) {
    let device = Device::flex().autodiff();
    let mut rng = ChaCha12Rng::seed_from_u64(1);
    let model = config.init(&mut rng, &device).expect("a model");
    let mut learner = Learner::new(model, stateful).expect("a learner");
    let samples = 3 * batch;
    let x = Array3::new(
        vec![0.5; samples * config.steps() * config.features()],
        [samples, config.steps(), config.features()],
    )
    .unwrap();
    let out_steps = if config.topology() == Topology::Seq2Seq {
        config.steps()
    } else {
        1
    };
    let mut y = vec![0.0; samples * out_steps * config.classes()];
    for (i, row) in y.chunks_mut(config.classes()).enumerate() {
        row[i % config.classes()] = 1.0;
    }
    let y = Array3::new(y, [samples, out_steps, config.classes()]).unwrap();
    let fit = FitConfig::new(epochs, batch)
        .with_shuffle(!stateful)
        .with_fused_step(fused)
        .check()
        .unwrap();
    let before = allocations();
    let start = std::time::Instant::now();
    learner.fit(&x, &y, &fit, &mut rng).expect("a fit");
    assert_eq!(
        learner.uses_fused_step(),
        fused,
        "{}",
        if fused { "fused" } else { "reference" }
    );
    (allocations() - before, start.elapsed().as_secs_f64() * 1e6)
}

#[test]
fn a_fused_step_allocates_a_tenth_as_often_as_a_reference_step() {
    for (name, config, stateful, batch) in cases() {
        let (fused_allocations, fused_micros) = per_step_of_fit(config, stateful, batch, true);
        let (allocations, micros) = per_step_of_fit(config, stateful, batch, false);
        println!(
            "{name}, per step of fit: reference {allocations:.1} allocations, {micros:.1} us; \
             fused {fused_allocations:.1} allocations, {fused_micros:.1} us"
        );
        assert!(
            fused_allocations * 10.0 < allocations,
            "{name}: {fused_allocations} allocations a fused step, {allocations} a reference one"
        );
    }
}

/// A fused step allocates nothing once a fit is under way: fewer than one allocation per hundred
/// steps is left between two fits' counts (the history's growth and a fit's own variation).
#[test]
fn a_fused_step_allocates_nothing_in_the_steady_state() {
    // The fused step's own small products run where the `gemm` crate runs its AVX2 + FMA code
    // (`pulp`'s x86-64-v3); elsewhere its products are the crate's, which allocates in some
    // (echo-whole's: 16 a step).
    #[cfg(target_arch = "x86_64")]
    let own_products = pulp::x86::V3::try_new().is_some();
    #[cfg(not(target_arch = "x86_64"))]
    let own_products = false;
    for (name, config, stateful, batch) in cases() {
        let steady = steady_allocations_per_step(config, stateful, batch);
        println!("{name}: {steady:.4} allocations per fused step in the steady state");
        if !own_products {
            println!("(not asserted: this CPU is not x86-64-v3)");
            continue;
        }
        assert!(
            steady < 0.01,
            "{name}: {steady} allocations per fused step between epochs 100 and 700"
        );
    }
}
