# lstm-lab tasks. `just --list` shows them.

evcxr_version := "0.22.0"
python := ".venv/bin/python"
# Cargo features of the build `reproduce` uses (CI: LSTM_LAB_FEATURES=wgpu, to reuse its test build).
features := env("LSTM_LAB_FEATURES", "")
cargo_features := if features == "" { "" } else { "--features " + features }

# Every CPU test, the tutorials' full-scale accuracy runs included (~1 min warm on 2 cores).
test:
    cargo test --release

# Every CPU test but the full-scale accuracy runs (tests/accuracy.rs): seconds, warm.
test-fast:
    cargo test --release --lib --bins $(ls tests/*.rs | grep -v -e accuracy.rs -e wgpu.rs | sed 's|tests/\(.*\)\.rs|--test \1|')
    cargo test --release --doc

# Every test, the wgpu ones included (what CI runs; needs a GPU or `apt-get install mesa-vulkan-drivers`).
test-wgpu:
    cargo test --release --features wgpu

# The experiments (results/, README table), the 20-seed study (results/study.*, README
# verdict table), the tutorials' exercises (results/exercises/), then every notebook.
# Every result, table, plot and notebook output, regenerated.
reproduce: results exercises notebooks

# The experiments and the 20-seed study (and its seeds again through the reference training
# step, results/steps.md): `reproduce` without the exercises and the notebooks.
results:
    cargo run --release {{cargo_features}} -- reproduce
    cargo run --release {{cargo_features}} -- study --seeds 20
    cargo run --release {{cargo_features}} -- study --seeds 20 --reference-step

# Options: --only echo-linear,echo-masked --seeds 5 --jobs 2. `just exercises check --seeds 1`
# re-runs the first seed of every arm and compares it with the saved answers instead.
# The tutorials' exercises, answered (results/exercises/; ~20 min on 2 cores).
exercises *args:
    cargo run --release {{cargo_features}} -- exercises {{args}}

# The reproducibility study alone (options: --seeds 20 --experiments a,b --jobs 2 --shard 1/4).
study *args:
    cargo run --release {{cargo_features}} -- study {{args}}

# Real Keras over many seeds for the study: one file per run in datasets/keras/runs/ (hours on 2
# cores; resumable; processes with different --experiments can run side by side), then
# `just keras-study --merge` gathers them into datasets/keras/study.json.
# Options: --seeds 20 --slow-seeds 20 --experiments alphabet-2step,echo-whole --first-seed 1
# Real Keras over many seeds for the study (datasets/keras/runs/, then study.json).
keras-study *args:
    python3 -m venv .venv-keras
    .venv-keras/bin/pip install --quiet -r tools/requirements-keras.txt
    .venv-keras/bin/python tools/seed_study.py --framework keras {{args}}

# The tutorials' own Keras programs (tools/tutorial_programs.py), 5 seeds of each, against the
# rewrite's Keras runs (datasets/keras-tutorial/runs/, then `--merge`).
tutorial-programs *args:
    python3 -m venv .venv-keras
    .venv-keras/bin/pip install --quiet -r tools/requirements-keras.txt
    .venv-keras/bin/python tools/seed_study.py --framework tutorial --seeds 5 --slow-seeds 5 {{args}}

# `just torch-study --merge` gathers them into datasets/torch/study.json.
# Options: --seeds 20 --slow-seeds 20 --experiments alphabet-2step,echo-whole --first-seed 1
# PyTorch (its own initialisers and Adam defaults) over many seeds (datasets/torch/runs/, then study.json).
torch-study *args:
    python3 -m venv .venv-torch
    .venv-torch/bin/pip install --quiet -r tools/bench/requirements-torch.txt
    .venv-torch/bin/python tools/seed_study.py --framework torch {{args}}

# evcxr's Jupyter kernel (cargo), the Jupyter client pieces (.venv), then lstm_lab built for the notebooks (target/evcxr), with progress, so that no notebook's
# first cell waits for Burn and polars to compile.
# What the notebooks need, built once (about 15 min on 2 cores from a fresh clone).
setup:
    cargo install --locked evcxr_jupyter --version {{evcxr_version}}
    evcxr_jupyter --install
    python3 -m venv .venv
    .venv/bin/pip install --quiet -r tools/requirements-notebooks.txt
    {{python}} tools/run_notebooks.py --warm

# JupyterLab is pinned, in .venv; evcxr's Rust kernel comes from `just setup`. It shares the notebooks' build folder (target/evcxr) and evcxr's cache, so a notebook
# that `just notebooks` has run starts without compiling the crate again.
# JupyterLab with the Rust kernel on the notebooks (after `just setup`).
lab:
    @command -v evcxr_jupyter >/dev/null && test -x {{python}} || (echo "run \`just setup\` first: evcxr's kernel or .venv is missing" && exit 1)
    @test -x .venv/bin/jupyter-lab || {{just_executable()}} lab-install
    {{python}} tools/lab.py

# Installs JupyterLab into .venv (tools/requirements-lab.txt), for `just lab`.
lab-install:
    .venv/bin/pip install --quiet -r tools/requirements-notebooks.txt -r tools/requirements-lab.txt

# The same server (tools/lab.py) must list the Rust kernel and run the notebook (default
# notebooks/00-overview.ipynb) cell by cell through a kernel session, as a browser would.
# `just lab`, tested headless.
lab-test *paths: lab-install
    {{python}} tools/lab.py --test {{paths}}

# Debian's Chromium and playwright-core (npm, no browser download) for `just lab-browser-test`.
browser-setup:
    command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
    npm ci --prefix tools/browser --no-audit --no-fund --silent

# Fails unless each chart stored in a notebook is drawn; screenshots of 02 and 04 in docs/screenshots/.
# Every committed notebook opened untrusted (as after a clone) in JupyterLab, in Chromium.
lab-browser-test *paths: lab-install browser-setup
    {{python}} tools/lab.py --browser-test {{paths}}

# Execute every notebook (or the ones named) in place, headless; fails on any error, panic or stderr output.
notebooks *paths:
    {{python}} tools/run_notebooks.py {{paths}}

# Check that the notebook runner catches broken notebooks (a panic, a `?` error, ...).
notebooks-self-test:
    {{python}} tools/run_notebooks.py --self-test

# Options: --rounds 3 --keras-rounds 1 --experiments echo-whole,echo-partial --frameworks jax
# --reference-step --rust-only. lstm-lab against JAX, PyTorch and Keras, interleaved rounds
# (results/bench.json, bench.md, when all three ran); not in CI.
bench *args:
    cargo build --release {{cargo_features}}
    python3 tools/bench/run.py {{args}}

# JAX, PyTorch and Keras for `just bench`, each in its own virtual environment (~8 GB).
bench-setup:
    python3 -m venv .venv-jax
    .venv-jax/bin/pip install --quiet -r tools/bench/requirements-jax.txt
    python3 -m venv .venv-torch
    .venv-torch/bin/pip install --quiet -r tools/bench/requirements-torch.txt
    python3 -m venv .venv-keras
    .venv-keras/bin/pip install --quiet -r tools/requirements-keras.txt

# Regenerate the Keras parity fixtures in datasets/keras/ (needs Python 3.11 and pip).
fixtures:
    python3 -m venv .venv-keras
    .venv-keras/bin/pip install -r tools/requirements-keras.txt
    .venv-keras/bin/python tools/keras_fixtures.py
    .venv-keras/bin/python tools/keras_alphabet.py trajectory datasets/keras/alphabet_trajectory.json

# scipy's numbers for the study's statistics: datasets/stats_fixture.json, which
# tests/stats_fixture.rs checks the Rust ones against (the test needs no Python).
stats-fixture:
    python3 -m venv .venv-stats
    .venv-stats/bin/pip install --quiet scipy==1.17.1 numpy==2.4.6
    .venv-stats/bin/python tools/stats_fixture.py

# The public API (rustdoc) against docs/public-api.txt; `just public-api --update` after a change meant.
public-api *args:
    python3 tools/public_api.py {{args}}

# Formatting and lints, as the project keeps them.
lint:
    cargo fmt --all -- --check
    rustfmt --edition 2024 --check $(git ls-files 'src/*.rs' 'src/**/*.rs' 'tests/*.rs' 'tests/**/*.rs')
    cargo clippy --release --all-targets -- -D warnings
    cargo clippy --release --all-targets --features wgpu -- -D warnings

# tools/slurm/study-array.sh on a one-node cluster:
# installs Debian's slurm-wlm and munge if missing (root), 4 tasks over a small grid, one task
# cancelled mid-run and resubmitted, the parts merged elsewhere and compared with a
# single-process run. Needs the release binary (cargo build --release).
# The README's Slurm array script, tested on a real one-node cluster.
slurm-test:
    python3 tools/slurm_test.py
