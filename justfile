# lstm-lab tasks. `just --list` shows them.

# Run every test (the same command CI runs).
test:
    cargo test --release

# Run all eight experiments at tutorial scale and rewrite results/ and the README table.
reproduce:
    cargo run --release -- reproduce

# Train seconds of every experiment (CPU), without touching results/.
bench:
    cargo run --release -- reproduce --out target/bench

# Regenerate the Keras parity fixtures in datasets/keras/ (needs Python 3.11 and pip).
fixtures:
    python3 -m venv .venv-keras
    .venv-keras/bin/pip install -r tools/requirements-keras.txt
    .venv-keras/bin/python tools/keras_fixtures.py

# Formatting and lints, as the project keeps them.
lint:
    cargo fmt --all -- --check
    cargo clippy --release --all-targets -- -D warnings
