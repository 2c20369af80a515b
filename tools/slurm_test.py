#!/usr/bin/env python3
"""`just slurm-test`: the README's Slurm array script on a real one-node Slurm cluster.

    python3 tools/slurm_test.py [--bin target/release/lstm-lab]

1. Installs Debian's slurm-wlm and munge when they are missing (apt-get; root).
2. Starts munged, slurmctld and slurmd by hand (no systemd), every file of the cluster (keys,
   sockets, state, logs, slurm.conf) under target/slurm-test/, on ports of its own.
3. Submits tools/slurm/study-array.sh, the file the README shows, as a 4-task array over a small
   grid (SHARDS, SEEDS, EXPERIMENTS in the environment; the file is not changed).
4. Cancels task 2 with `scancel` once it has kept a finished cell but before it has written its
   part, checks that the part is missing and the cells are kept, and submits task 2 again.
5. Copies the parts to another folder, merges them there with `lstm-lab study merge`, and checks
   that the merged study equals a single-process run of the same grid (seconds aside).

Any step that cannot be done fails the test (exit 1) with the step and the logs' tails: it never
skips. The cluster's daemons are stopped at the end, pass or fail.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "slurm-test"
SCRIPT = ROOT / "tools" / "slurm" / "study-array.sh"
SHARDS, SEEDS = 4, 4
EXPERIMENTS = "randint-echo,vanilla-second,alphabet-2step"  # 12 cells of 1-4 s each
PORTS = (16817, 16818)  # slurmctld, slurmd: not Slurm's defaults, so a real cluster is left alone
TIMEOUT_S = 900


def fail(message, logs=()):
    for log in logs:
        if Path(log).exists():
            print(f"--- {log} (last lines)", file=sys.stderr)
            print("\n".join(Path(log).read_text(errors="replace").splitlines()[-30:]), file=sys.stderr)
    sys.exit(f"slurm-test: {message}")


def run(cmd, **kw):
    """Runs `cmd`, failing the test with its output if it fails; returns its stdout."""
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        fail(f"`{' '.join(map(str, cmd))}` exited {out.returncode}:\n{out.stdout}{out.stderr}")
    return out.stdout


def probe(cmd, env):
    """`cmd`'s stdout, or "" when it fails (a daemon not listening yet, a job already purged)."""
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return out.stdout if out.returncode == 0 else ""


def install():
    if all(shutil.which(t) for t in ("slurmctld", "slurmd", "sbatch", "munged", "mungekey")):
        return
    print("installing slurm-wlm and munge (apt-get)", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Waits for the package lock: CI's browser set-up may be installing Chromium meanwhile.
    packages = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq", "slurm-wlm", "munge"]
    if subprocess.run(packages, capture_output=True, env=env).returncode != 0:
        run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "update", "-qq"], env=env)  # a fresh machine may have no package lists
        run(packages, env=env)


def slurm_conf(node, cpus):
    return "\n".join([
        "ClusterName=lstmlab",
        f"SlurmctldHost={node}(127.0.0.1)",
        f"SlurmctldPort={PORTS[0]}",
        f"SlurmdPort={PORTS[1]}",
        "SlurmUser=root",
        "SlurmdUser=root",
        f"AuthInfo=socket={WORK}/munge/munge.socket",
        f"StateSaveLocation={WORK}/state",
        f"SlurmdSpoolDir={WORK}/spool",
        f"SlurmctldPidFile={WORK}/slurmctld.pid",
        f"SlurmdPidFile={WORK}/slurmd.pid",
        f"SlurmctldLogFile={WORK}/slurmctld.log",
        f"SlurmdLogFile={WORK}/slurmd.log",
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "JobAcctGatherType=jobacct_gather/none",
        "AccountingStorageType=accounting_storage/none",
        "JobCompType=jobcomp/none",
        "MpiDefault=none",
        "ReturnToService=2",
        "SchedulerType=sched/backfill",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU",
        f"NodeName={node} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN",
        f"PartitionName=test Nodes={node} Default=YES MaxTime=INFINITE State=UP",
        "",
    ])


class Cluster:
    """munged, slurmctld and slurmd of a one-node cluster, all under WORK."""

    def __init__(self):
        self.node = socket.gethostname().split(".")[0]
        self.conf = WORK / "slurm.conf"
        self.env = dict(os.environ, SLURM_CONF=str(self.conf))
        self.logs = [WORK / "slurmctld.log", WORK / "slurmd.log", WORK / "munge" / "munged.log"]
        self.pids = []

    def start(self):
        munge = WORK / "munge"
        for d in (munge, WORK / "state", WORK / "spool"):
            d.mkdir(parents=True, exist_ok=True)
        munge.chmod(0o700)
        run(["mungekey", "--create", f"--keyfile={munge}/munge.key"])
        run(["munged", "--force", f"--key-file={munge}/munge.key", f"--socket={munge}/munge.socket",
             f"--pid-file={munge}/munged.pid", f"--log-file={munge}/munged.log",
             f"--seed-file={munge}/munged.seed"])
        self.pids.append(munge / "munged.pid")
        self.conf.write_text(slurm_conf(self.node, os.cpu_count() or 2))
        run(["slurmctld", "-f", str(self.conf)], env=self.env)
        self.pids.append(WORK / "slurmctld.pid")
        run(["slurmd", "-f", str(self.conf), "-N", self.node], env=self.env)
        self.pids.append(WORK / "slurmd.pid")
        self.wait(lambda: "idle" in probe(["sinfo", "-h", "-o", "%T"], self.env), "the node to be idle")

    def stop(self):
        if self.pids:  # jobs first, so that no step or lstm-lab outlives the cluster
            probe(["scancel", "--full", "--partition=test"], self.env)
            time.sleep(1)
        for pid_file in reversed(self.pids):
            try:
                os.kill(int(Path(pid_file).read_text().split()[0]), 15)
            except (OSError, ValueError):
                pass

    def wait(self, ready, what, timeout=TIMEOUT_S):
        start = time.time()
        while not ready():
            if time.time() - start > timeout:
                fail(f"waited {timeout} s for {what}", self.logs)
            time.sleep(0.1)

    def sbatch(self, array, job_env, cwd):
        out = run(["sbatch", "--parsable", f"--array={array}", "--cpus-per-task=1",
                   "--output=slurm-%A_%a.out", str(SCRIPT)], env={**self.env, **job_env}, cwd=cwd)
        return out.strip().split(";")[0]

    def running(self, job):
        """The job's tasks still queued or running, one "ID STATE" line each ("" once gone)."""
        return probe(["squeue", "-h", "-r", "-j", job, "-o", "%i %T"], self.env).strip()


def read_json(path):
    return json.loads(Path(path).read_text())


def comparable(study):
    """The study without what differs between equal runs: seconds, hosts, dates."""
    if isinstance(study, dict):
        return {k: comparable(v) for k, v in study.items()
                if "seconds" not in k and k not in ("host", "hosts", "machine", "date", "created")}
    if isinstance(study, list):
        return [comparable(v) for v in study]
    return study


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(ROOT / "target" / "release" / "lstm-lab"))
    args = parser.parse_args()
    if f"```sh\n{SCRIPT.read_text().rstrip()}\n```" not in (ROOT / "README.md").read_text():
        fail(f"the README does not show {SCRIPT.relative_to(ROOT)} as it is")
    binary = Path(args.bin).resolve()
    if not binary.exists():
        fail(f"{binary} does not exist: build it first (cargo build --release)")
    start = time.time()
    install()
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    cluster = Cluster()
    try:
        cluster.start()
        print(f"cluster up on node {cluster.node} in {time.time() - start:.0f} s", flush=True)
        jobs = WORK / "jobs"
        jobs.mkdir()
        bindir = WORK / "bin"
        bindir.mkdir()
        (bindir / "lstm-lab").symlink_to(binary)
        job_env = {"PATH": f"{bindir}:{os.environ['PATH']}", "SHARDS": str(SHARDS),
                   "SEEDS": str(SEEDS), "EXPERIMENTS": EXPERIMENTS}
        job = cluster.sbatch(f"1-{SHARDS}", job_env, jobs)
        parts = jobs / "parts"
        cells = lambda: list(parts.glob(f".cells-2-of-{SHARDS}-*/*.json"))
        part2 = parts / f"study-part-2-of-{SHARDS}.json"
        task2_gone = lambda: f"{job}_2 " not in cluster.running(job) + " "
        cluster.wait(lambda: cells() or part2.exists() or task2_gone(), "task 2's first finished cell")
        if not cells() and not part2.exists():
            fail("task 2 ended without a finished cell", cluster.logs + sorted(jobs.glob("slurm-*.out")))
        if part2.exists():
            fail("task 2 finished before it could be cancelled: make its cells longer")
        run(["scancel", f"{job}_2"], env=cluster.env)
        cluster.wait(task2_gone, "task 2 to stop")
        kept = {(c["experiment"], c["seed"]): c["train_seconds"] for c in map(read_json, cells())}
        if part2.exists() or not kept:
            fail(f"after scancel: part written {part2.exists()}, {len(kept)} cells kept")
        print(f"task 2 cancelled with {len(kept)} finished cell(s) kept; submitting it again", flush=True)
        again = cluster.sbatch("2", job_env, jobs)
        cluster.wait(lambda: not cluster.running(job) and not cluster.running(again), "every task to end")
        missing = [i for i in range(1, SHARDS + 1) if not (parts / f"study-part-{i}-of-{SHARDS}.json").exists()]
        if missing:
            fail(f"parts {missing} missing after the array ended", cluster.logs + sorted(jobs.glob("slurm-*.out")))
        resumed = {(r["experiment"], r["seed"]): r["train_seconds"] for r in read_json(part2)["runs"]}
        trained_again = [cell for cell, seconds in kept.items() if resumed.get(cell) != seconds]
        if trained_again:
            fail(f"task 2 trained {trained_again} again instead of reading them back")
        # Merged from another folder, beside a single-process run of the same grid.
        elsewhere = WORK / "merged"
        shutil.copytree(parts, elsewhere / "parts")
        run([binary, "study", "merge", elsewhere / "parts", "--out", elsewhere])
        single = WORK / "single"
        run([binary, "study", "--seeds", str(SEEDS), "--experiments", EXPERIMENTS, "--jobs", "2",
             "--out", single])
        merged_study, single_study = read_json(elsewhere / "study.json"), read_json(single / "study.json")
        runs = len(merged_study["runs"])
        want = SEEDS * len(EXPERIMENTS.split(","))
        if runs != want:
            fail(f"the merged study holds {runs} runs, not {want}")
        if comparable(merged_study) != comparable(single_study):
            fail("the merged study differs from the single-process run of the same grid")
        print(f"slurm-test passed in {time.time() - start:.0f} s: {SHARDS} tasks, task 2 cancelled "
              f"and resubmitted, {runs} runs merged, equal to a single-process run", flush=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
