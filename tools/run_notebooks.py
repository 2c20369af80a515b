#!/usr/bin/env python3
"""Executes the notebooks in place with evcxr's Rust kernel, headless, and fails loudly.

    python tools/run_notebooks.py                 # every notebooks/NN-*.ipynb, in order
    python tools/run_notebooks.py notebooks/03-alphabet-framing.ipynb
    python tools/run_notebooks.py --self-test     # proves that broken notebooks fail
    python tools/run_notebooks.py --warm          # builds lstm_lab for the notebooks (just setup)

A notebook fails when a cell raises an error (compile errors, and panics: the notebooks call
`lstm_lab::notebook::setup`, which makes a panic end the kernel), when any cell writes to stderr
(evcxr reports a `?` error only there), when a code cell has no output, shows a stray `()` or
prints a line over 120 characters, when it has no inline
chart, or when its kernel is not evcxr's. A failed notebook is not written back; its executed copy goes to
target/notebooks-failed/ for inspection. Timestamps nbclient records are removed so that a
rerun gives a clean diff; the seconds of each notebook and of its first (`:dep`) cell are
printed and written to target/notebook-timings.json.

The notebooks run one after another in one shared evcxr build folder (EVCXR_TMPDIR, default
target/evcxr) with evcxr's compilation cache on (tools/evcxr/init.evcxr, via EVCXR_CONFIG_DIR):
the first notebook builds Burn and polars, the others reuse that build. `--warm` (the last step
of `just setup`) makes that build ahead, with a progress line every 15 s, by running the
notebooks' set-up cell in a scratch notebook: the first cell a reader runs then takes seconds.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.kernelspec import NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "rust"
CELL_TIMEOUT_S = 3600
CHART_MIMES = ("image/svg+xml", "image/png")
# The longest line a cell may print: prose belongs in Markdown (`lstm_lab::notebook::Markdown`),
# where it wraps; a table's text/plain fallback is not a printed stream and is not held to it.
MAX_LINE = 120
# evcxr sends a cell's printed lines from a separate thread, so a line can reach Jupyter just
# after the cell's "idle" status (one cell in ~400 did in CI: its only output was missing).
# JupyterLab keeps listening and shows it; nbclient stops at "idle". The client below listens
# this much longer for the cell's stragglers.
LATE_OUTPUT_S = 0.4


class EvcxrClient(NotebookClient):
    """nbclient's client, but a cell's output that arrives just after its idle status is kept."""

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=LATE_OUTPUT_S))
            except Empty:  # nothing more for this cell
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id and msg["msg_type"] == "stream":
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return


def set_environment():
    """Shared build folder and the evcxr config (cache on), unless the caller chose others."""
    os.environ.setdefault("EVCXR_TMPDIR", str(ROOT / "target" / "evcxr"))
    os.environ.setdefault("EVCXR_CONFIG_DIR", str(ROOT / "tools" / "evcxr"))
    Path(os.environ["EVCXR_TMPDIR"]).mkdir(parents=True, exist_ok=True)


def seconds(cell):
    """Seconds a cell took, from the timestamps nbclient records."""
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


def coalesce_streams(outputs):
    """Consecutive stdout (or stderr) messages as one output, the way Jupyter shows them."""
    merged = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (out.output_type == "stream" and last is not None and last.output_type == "stream"
                and last.name == out.name):
            last.text += out.text
        else:
            merged.append(out)
    return merged


def problems(nb):
    """Everything wrong with an executed notebook, as messages (empty: it passed)."""
    found = []
    if nb.metadata.get("kernelspec", {}).get("name") != KERNEL:
        found.append(f"kernelspec is not evcxr's `{KERNEL}`")
    charts = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if not cell.get("outputs"):
            found.append(f"cell {i}: no output")
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"cell {i}: error: {out.get('evalue') or out.get('ename')}")
            elif out.output_type == "stream" and out.get("name") == "stderr" and out.text.strip():
                found.append(f"cell {i}: stderr: {out.text.strip()[:500]}")
            elif out.output_type == "stream":
                longest = max((len(line) for line in out.text.split("\n")), default=0)
                if longest > MAX_LINE:
                    found.append(
                        f"cell {i}: a printed line of {longest} characters (over {MAX_LINE}: show "
                        "prose as Markdown, wrap the rest)"
                    )
            elif out.output_type in ("display_data", "execute_result"):
                if str(out.get("data", {}).get("text/plain", "")).strip() == "()":
                    found.append(f"cell {i}: shows a stray `()` (end the cell with `;`)")
                charts += any(m in out.get("data", {}) for m in CHART_MIMES)
    if charts == 0:
        found.append("no inline chart")
    return found


def execute(path, write_back=True, quiet=False):
    """Runs one notebook; returns (problems found, timings)."""
    nb = nbformat.read(path, as_version=4)
    client = EvcxrClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT_S,
        record_timing=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.time()
    errors, ran = [], True
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        reason = (getattr(e, "evalue", "") or "").strip() or type(e).__name__
        errors.append(f"execution stopped: {reason.splitlines()[0]}")
    except NoSuchKernel:
        errors.append(f"kernel `{KERNEL}` is not installed: run `just setup`")
        ran = False
    except RuntimeError as e:  # jupyter_client: "Kernel died before replying to kernel_info"
        errors.append(f"kernel `{KERNEL}` did not start ({e}); `evcxr_jupyter --install` re-registers it")
        ran = False
    total = time.time() - start
    if ran:
        errors += problems(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    timing = {"notebook": path.name, "seconds": round(total, 1),
              "first_cell_seconds": round(seconds(code[0]) or 0.0, 1) if code else None}
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    if errors:
        failed = ROOT / "target" / "notebooks-failed"
        failed.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, failed / path.name)
        if not quiet:
            print(f"FAILED {path.name} ({total:.0f} s); executed copy in {failed / path.name}")
            for e in errors:
                print(f"  - {e}")
        return errors, timing
    if write_back:
        # Written beside it, then renamed over it: a reader (tests/notebook_numbers.rs, running
        # while CI executes the notebooks) never sees a half-written notebook.
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        nbformat.write(nb, tmp)
        os.replace(tmp, path)
    if not quiet:
        print(f"ok     {path.name}: {total:.1f} s (first cell {timing['first_cell_seconds']:.1f} s)")
    return [], timing


def warm():
    """Builds the notebooks' copy of lstm_lab (EVCXR_TMPDIR) by running the set-up cell of
    notebooks/00-overview.ipynb in a scratch notebook, printing progress while it compiles."""
    import threading

    overview = nbformat.read(ROOT / "notebooks" / "00-overview.ipynb", as_version=4)
    setup_cell = next(c for c in overview.cells if c.cell_type == "code" and ":dep" in c.source)
    build = Path(os.environ["EVCXR_TMPDIR"])
    done = threading.Event()
    start = time.time()

    def count_crates():
        # Cargo's scratch folders come and go under the glob; a vanished one is skipped.
        try:
            return sum(1 for _ in build.glob("**/deps/*.rlib"))
        except OSError:
            return None

    def progress():
        crates = 0
        while not done.wait(15):
            crates = count_crates() or crates
            print(f"  building lstm_lab for the notebooks: {time.time() - start:.0f} s, "
                  f"{crates} crates compiled so far", flush=True)

    print(f"building lstm_lab for the notebooks in {build} (about 8 min on 2 cores the first time)")
    ticker = threading.Thread(target=progress, daemon=True)
    ticker.start()
    with tempfile.TemporaryDirectory() as tmp:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = overview.metadata["kernelspec"]
        # The notebooks name the crate relative to notebooks/ (`path = ".."`); evcxr resolves it
        # to the repository root, which the scratch notebook names outright.
        nb.cells = [nbformat.v4.new_code_cell(setup_cell.source.replace('path = ".."', f'path = "{ROOT}"'))]
        path = Path(tmp) / "warm.ipynb"
        nbformat.write(nb, path)
        errors, timing = execute(path, write_back=False, quiet=True)
    done.set()
    errors = [e for e in errors if e != "no inline chart"]  # the set-up cell draws none
    if errors:
        print("the notebooks' build FAILED:")
        for e in errors:
            print(f"  - {e}")
        return False
    print(f"lstm_lab built for the notebooks in {timing['seconds']:.0f} s")
    return True


def self_test():
    """Broken notebooks must fail: a panic, a `?` error, a cell without output, a stray `()`, a
    printed line too long to read, a compile error. Two notebooks (a panic ends its kernel; a compile error ends the run). Only
    the panic needs lstm_lab (`notebook::setup`); the other notebook starts with a plain cell, which
    spares it the ~45 s a kernel spends on its first cell that uses lstm_lab (evcxr's
    rust-analyzer resolving the crate's dependencies). Its missing chart is reported too, beside
    the problems it is meant to show."""
    dep = f':dep lstm_lab = {{ path = "{ROOT}", package = "lstm-lab" }}\nlstm_lab::notebook::setup("cpu", 1).unwrap();\n'
    chart = 'lstm_lab::plot::Heatmap::new(&[vec![1.0]], "t").draw().expect("a chart")'
    # name: (cells, then for each broken cell the problems the runner may report; one must be)
    cases = {
        "panic": ([dep + chart, 'let v: Vec<u8> = Vec::new();\nprintln!("{}", v[3]);'], [("exit status: 101",)]),
        "broken-cells": (
            [
                'println!("a first cell that works");',
                # evcxr prints a `?` error on stderr; the cell's missing output (it stopped
                # before its println) catches it too.
                'fn f() -> Result<(), String> { Err("broken".into()) }\nf()?;\nprintln!("unreached");',
                "let _quiet = 1;",
                'for i in 0..2 {\n    println!("{i}");\n}',
                'println!("{}", "word ".repeat(30));',
                'let x: u8 = "not a number";\nx',  # last: a compile error stops the run
            ],
            [("cell 1: stderr: broken", "cell 1: no output"), ("cell 2: no output",),
             ("cell 3: shows a stray `()`",), ("cell 4: a printed line of 150 characters",),
             ("cell 5: error: mismatched types",)],
        ),
    }
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for name, (cells, expected) in cases.items():
            nb = nbformat.v4.new_notebook()
            nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Rust", "language": "rust"}
            nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
            path = Path(tmp) / f"{name}.ipynb"
            nbformat.write(nb, path)
            errors, _ = execute(path, write_back=False, quiet=True)
            for any_of in expected:
                caught = any(x in e for e in errors for x in any_of)
                print(f"self-test {name}, {any_of[0]!r}: {'caught' if caught else 'NOT caught'}")
                ok &= caught
            print(f"  reported: {errors}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--self-test", action="store_true", help="check that broken notebooks fail")
    parser.add_argument("--warm", action="store_true", help="build lstm_lab for the notebooks, with progress")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # one line per notebook as it finishes, even in CI logs
    set_environment()
    if args.warm:
        return 0 if warm() else 1
    if args.self_test:
        if not self_test():
            print("self-test FAILED: a broken notebook passed")
            return 1
        print("self-test ok: every broken notebook failed")
        return 0
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    if not paths:
        print("no notebooks found")
        return 1
    timings, failed = [], []
    for path in paths:
        errors, timing = execute(path)
        timings.append(timing)
        if errors:
            failed.append(path.name)
    out = ROOT / "target" / "notebook-timings.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"evcxr_tmpdir": os.environ["EVCXR_TMPDIR"], "notebooks": timings}, indent=2) + "\n")
    if failed:
        print(f"{len(failed)} of {len(paths)} notebooks failed: {', '.join(failed)}")
        return 1
    print(f"all {len(paths)} notebooks ran ({sum(t['seconds'] for t in timings):.0f} s); timings in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
