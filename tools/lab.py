#!/usr/bin/env python3
"""JupyterLab with evcxr's Rust kernel on the notebooks (`just lab`), and its headless test
(`just lab-test`), from one command line so that the test starts the very server a reader gets.

    python tools/lab.py                                # open JupyterLab on notebooks/
    python tools/lab.py --test                         # test it on notebooks/00-overview.ipynb
    python tools/lab.py --test notebooks/06-study.ipynb
    python tools/lab.py --browser-test                 # every chart drawn, untrusted, in Chromium

Both give the server and its kernels the notebooks' evcxr set-up (tools/run_notebooks.py's
`set_environment`: the shared build folder target/evcxr, evcxr's cache on), so a notebook that
`just notebooks` has run starts in seconds.

The test starts the server headless on a free port with a random token, checks that it serves
the Lab page and lists the Rust kernel, then runs one notebook through it cell by cell, the way
a reader's browser does: a session on the notebook with the `rust` kernel, and each code cell
sent as an `execute_request` over the kernel's websocket. It fails when the server does not come
up, when the Rust kernel is not listed, when a cell errors or writes to stderr (evcxr reports a
`?` error only there), or when a code cell shows nothing. Nothing is written back to the
notebook; the server's log is target/lab-test-server.log.

The browser test (`--browser-test`, `just lab-browser-test`) starts the same server with an empty
trust database, so that every notebook is untrusted, as after `git clone`, and opens each
committed notebook in Debian's Chromium (driven by tools/browser/charts.mjs, playwright-core).
It counts the charts the page actually draws and fails unless every chart stored in the file is
drawn. It saves screenshots of notebooks 02 and 04, scrolled to their first chart, in
docs/screenshots/.
"""

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
from tornado.websocket import websocket_connect

from run_notebooks import set_environment

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "rust"
START_TIMEOUT_S = 120
CELL_TIMEOUT_S = 3600


def lab_command(*extra):
    """`jupyter lab` on notebooks/ from this .venv, with `extra` arguments."""
    jupyter = Path(sys.executable).parent / "jupyter"
    return [str(jupyter), "lab", f"--ServerApp.root_dir={NOTEBOOKS}",
            "--ServerApp.allow_root=True", *extra]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server on a free local port with a random token, stopped on exit."""

    def __init__(self, *extra):
        self.port = free_port()
        self.token = secrets.token_hex(16)
        # The server's log goes to a file: a pipe nobody reads would fill and stall it.
        self.log_path = ROOT / "target" / "lab-test-server.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            lab_command("--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                        f"--IdentityProvider.token={self.token}", *extra),
            stdout=self.log, stderr=subprocess.STDOUT)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, path, method="GET", body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url(path), data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as response:
            text = response.read().decode()
            return response.status, text

    def wait_until_up(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"jupyter lab exited with {self.process.returncode}:\n"
                                 f"{self.log_path.read_text()}")
            try:
                status, _ = self.request("/api/status")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"jupyter lab did not answer within {START_TIMEOUT_S} s")

    def stop(self):
        """Shuts every kernel down, then the server (through its REST API: a page that opened
        a notebook started a kernel, and killing the server alone would leave it running)."""
        if self.process.poll() is None:
            try:
                _, kernels = self.request("/api/kernels")
                for kernel in json.loads(kernels):
                    self.request(f"/api/kernels/{kernel['id']}", method="DELETE")
                self.request("/api/shutdown", method="POST")
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.process.kill()
        self.log.close()


def message(session, code):
    return {
        "header": {"msg_id": uuid.uuid4().hex, "username": "lab_test", "session": session,
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }


RECONNECTS = 3


def server_log_tail(lab, lines=25):
    """The last `lines` lines of the server's log, indented, for a report."""
    text = lab.log_path.read_text(errors="replace") if lab.log_path.exists() else ""
    return "\n".join("    | " + line for line in text.splitlines()[-lines:])


async def connect(lab, kernel_id, session):
    """The kernel's websocket for `session`. Naming the session lets the server keep what the
    kernel sends while no socket is open and replay it on the next connection, as it does for a
    browser that reconnects."""
    url = lab.url(f"/api/kernels/{kernel_id}/channels?session_id={session}&token={lab.token}")
    return await websocket_connect(url.replace("http", "ws", 1))


async def run_cells(lab, kernel_id, cells):
    """Runs each code cell through the kernel's websocket; returns the problems found.

    A socket the server closes is reopened on the same session, up to RECONNECTS times in all,
    the way JupyterLab's page reconnects; each time the server's log is shown, so that the
    reason is on record."""
    session = uuid.uuid4().hex
    ws = await connect(lab, kernel_id, session)
    problems, reconnects = [], 0
    for index, cell in cells:
        request = message(session, cell.source)
        await ws.write_message(json.dumps(request))
        shown, stderr, error, reply, idle = 0, "", None, None, False
        start = time.monotonic()
        # Done when the shell channel has replied and iopub has gone idle for this request.
        while reply is None or not idle:
            raw = await asyncio.wait_for(ws.read_message(), timeout=CELL_TIMEOUT_S)
            if raw is None:
                reconnects += 1
                print(f"  cell {index}: the server closed the kernel's websocket after "
                      f"{time.monotonic() - start:.0f} s (code {ws.close_code}, "
                      f"reason {ws.close_reason!r}); the server's log ends:\n"
                      f"{server_log_tail(lab)}")
                if reconnects > RECONNECTS:
                    raise SystemExit(f"cell {index}: the kernel's websocket closed "
                                     f"{reconnects} times")
                ws = await connect(lab, kernel_id, session)
                print(f"  cell {index}: reconnected ({reconnects} of {RECONNECTS})")
                continue
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != request["header"]["msg_id"]:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status":
                idle = content["execution_state"] == "idle"
            elif kind == "stream":
                shown += 1
                if content["name"] == "stderr":
                    stderr += content["text"]
            elif kind in ("execute_result", "display_data"):
                shown += 1
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                reply = content
        seconds = time.monotonic() - start
        status = reply.get("status")
        if error or status != "ok":
            problems.append(f"cell {index}: {error or status}")
            break
        found = len(problems)
        if stderr.strip():
            problems.append(f"cell {index}: stderr: {stderr.strip()[:300]}")
        if shown == 0:
            problems.append(f"cell {index}: no output")
        verdict = "ok" if len(problems) == found else "FAILED"
        print(f"  cell {index}: {verdict}, {shown} outputs, {seconds:.1f} s")
    ws.close()
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--test", action="store_true", help="run headless and test it")
    parser.add_argument("--browser-test", action="store_true",
                        help="open the notebooks untrusted in Chromium and count the charts drawn")
    parser.add_argument("notebook", nargs="*",
                        help="the notebook --test runs (default: 00-overview); "
                             "those --browser-test opens (default: all)")
    args = parser.parse_args()
    set_environment()
    if args.browser_test:
        browser_test([Path(p).resolve() for p in args.notebook] or sorted(NOTEBOOKS.glob("*.ipynb")))
        return
    if not args.test:
        command = lab_command()
        os.execv(command[0], command)
    test(Path(args.notebook[0] if args.notebook else NOTEBOOKS / "00-overview.ipynb").resolve())


SCREENSHOTS = ROOT / "docs" / "screenshots"
SHOT_NOTEBOOKS = ("02-vanilla-second-element.ipynb", "04-echo-sequences.ipynb")
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")


def stored_charts(path):
    """How many outputs of the notebook at `path` hold an image."""
    nb = nbformat.read(path, as_version=4)
    return sum(1 for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
               if any(kind in out.get("data", {}) for kind in IMAGE_TYPES))


def browser_test(paths):
    """Opens each notebook untrusted in Chromium; fails unless every stored chart is drawn."""
    node_modules = ROOT / "tools" / "browser" / "node_modules"
    if not node_modules.exists():
        raise SystemExit(f"{node_modules} is missing: run `just browser-setup`")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # An empty trust database: every notebook is untrusted, as after a clone.
    lab = Lab("--NotebookNotary.db_file=:memory:", "--LabApp.news_url=")
    try:
        start = time.monotonic()
        lab.wait_until_up()
        names = [p.relative_to(NOTEBOOKS).as_posix() for p in paths]
        specs = [f"{n}:{len(nbformat.read(p, as_version=4).cells)}" + (":shot" if n in SHOT_NOTEBOOKS else "")
                 for p, n in zip(paths, names)]
        out = subprocess.run(["node", str(ROOT / "tools" / "browser" / "charts.mjs"), lab.url(""),
                              lab.token, str(SCREENSHOTS), *specs],
                             capture_output=True, text=True, timeout=1800)
        if out.returncode != 0:
            raise SystemExit(f"the browser failed ({out.returncode}):\n{out.stderr[-3000:]}")
        drawn = {r["notebook"]: r for r in map(json.loads, out.stdout.splitlines())}
    finally:
        lab.stop()
    failures = 0
    print(f"{'notebook':<36} {'stored':>6} {'drawn':>6} {'png':>4} {'svg':>4}")
    for path, name in zip(paths, names):
        stored, seen = stored_charts(path), drawn.get(name, {"drawn": 0, "png": 0, "svg": 0})
        failures += seen["drawn"] < stored
        print(f"{name:<36} {stored:>6} {seen['drawn']:>6} {seen['png']:>4} {seen['svg']:>4}"
              + ("" if seen["drawn"] >= stored else "  FAILED: charts not drawn"))
    shots = [r["screenshot"] for r in drawn.values() if r.get("screenshot")]
    print(f"screenshots: {', '.join(os.path.relpath(s, ROOT) for s in shots)} "
          f"({time.monotonic() - start:.0f} s)")
    if failures:
        raise SystemExit(f"{failures} notebook(s) show fewer charts untrusted than they store")
    print(f"every stored chart is drawn in an untrusted JupyterLab ({len(paths)} notebooks)")


def test(path):
    """Starts the server headless and runs the notebook at `path` through it."""
    nb = nbformat.read(path, as_version=4)
    cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]

    lab = Lab()
    try:
        start = time.monotonic()
        lab.wait_until_up()
        print(f"jupyter lab up on port {lab.port} in {time.monotonic() - start:.1f} s")
        status, page = lab.request("/lab")
        if status != 200 or "JupyterLab" not in page:
            raise SystemExit(f"/lab answered {status} without the JupyterLab page")
        specs = json.loads(lab.request("/api/kernelspecs")[1])["kernelspecs"]
        if KERNEL not in specs:
            raise SystemExit(f"the `{KERNEL}` kernel is not listed (kernels: {sorted(specs)}); "
                             "run `just setup`")
        print(f"kernels listed: {sorted(specs)}; `{KERNEL}` is "
              f"{specs[KERNEL]['spec']['display_name']!r}")
        relative = path.relative_to(NOTEBOOKS).as_posix()
        _, text = lab.request("/api/sessions", "POST", {
            "path": relative, "type": "notebook", "name": relative, "kernel": {"name": KERNEL}})
        session = json.loads(text)
        print(f"session on {relative}, kernel {session['kernel']['name']}; "
              f"{len(cells)} code cells")
        problems = asyncio.run(run_cells(lab, session["kernel"]["id"], cells))
        lab.request(f"/api/sessions/{session['id']}", "DELETE")
    finally:
        lab.stop()
    if problems:
        print(f"the server's log ends:\n{server_log_tail(lab)}")
        print(f"FAILED {path.name} through jupyter lab:")
        for p in problems:
            print(f"  - {p}")
        sys.exit(1)
    print(f"{path.name} ran through jupyter lab: {len(cells)} cells, no errors, no stderr "
          f"({time.monotonic() - start:.0f} s)")


if __name__ == "__main__":
    main()
