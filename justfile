# lstm-lab tasks. `just --list` shows them.

evcxr_version := "0.22.0"
python := ".venv/bin/python"
# Cargo features of the build `reproduce` uses (CI: LSTM_LAB_FEATURES=wgpu, to reuse its test build).
features := env("LSTM_LAB_FEATURES", "")
cargo_features := if features == "" { "" } else { "--features " + features }

# Run every CPU test.
test:
    cargo test --release

# Every test, the wgpu ones included (what CI runs; needs a GPU or `apt-get install mesa-vulkan-drivers`).
test-wgpu:
    cargo test --release --features wgpu

# All eight experiments at tutorial scale (results/, README table), the study over 20 seeds
# (results/study.*, README verdict table), the tutorials' exercises (results/exercises/), then
# every notebook.
reproduce:
    cargo run --release {{cargo_features}} -- reproduce
    cargo run --release {{cargo_features}} -- study --seeds 20
    cargo run --release {{cargo_features}} -- exercises
    {{just_executable()}} notebooks

# The reproducibility study alone (options: --seeds 20 --experiments a,b --jobs 2 --shard 1/4).
study *args:
    cargo run --release {{cargo_features}} -- study {{args}}

# Real Keras over many seeds for the study (datasets/keras/study.json; hours on 2 cores, resumable).
# Options: --seeds 10 --slow-seeds 3 --experiments alphabet-2step,echo-whole
keras-study *args:
    python3 -m venv .venv-keras
    .venv-keras/bin/pip install --quiet -r tools/requirements-keras.txt
    .venv-keras/bin/python tools/keras_study.py {{args}}

# What the notebooks need: evcxr's Jupyter kernel (cargo), the Jupyter client pieces (.venv).
setup:
    cargo install --locked evcxr_jupyter --version {{evcxr_version}}
    evcxr_jupyter --install
    python3 -m venv .venv
    .venv/bin/pip install --quiet -r tools/requirements-notebooks.txt

# Execute every notebook (or the ones named) in place, headless; fails on any error, panic or stderr output.
notebooks *paths:
    {{python}} tools/run_notebooks.py {{paths}}

# Check that the notebook runner catches broken notebooks (a panic, a `?` error, ...).
notebooks-self-test:
    {{python}} tools/run_notebooks.py --self-test

# lstm-lab against PyTorch and Keras, interleaved rounds (results/bench.json, bench.md); not in CI.
# Options: --rounds 3 --keras-rounds 1 --experiments echo-whole,echo-partial --rust-only
bench *args:
    cargo build --release {{cargo_features}}
    python3 tools/bench/run.py {{args}}

# PyTorch and Keras for `just bench`, each in its own virtual environment (~7 GB).
bench-setup:
    python3 -m venv .venv-torch
    .venv-torch/bin/pip install --quiet -r tools/bench/requirements-torch.txt
    python3 -m venv .venv-keras
    .venv-keras/bin/pip install --quiet -r tools/requirements-keras.txt

# Regenerate the Keras parity fixtures in datasets/keras/ (needs Python 3.11 and pip).
fixtures:
    python3 -m venv .venv-keras
    .venv-keras/bin/pip install -r tools/requirements-keras.txt
    .venv-keras/bin/python tools/keras_fixtures.py

# Formatting and lints, as the project keeps them.
lint:
    cargo fmt --all -- --check
    cargo clippy --release --all-targets -- -D warnings
    cargo clippy --release --all-targets --features wgpu -- -D warnings
