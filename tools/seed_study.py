"""Real Keras 3, or PyTorch, over many seeds: the distributions `lstm-lab study` compares the port
with; and the tutorials' own Keras programs (tools/tutorial_programs.py, `--framework tutorial`),
the check on the Keras rewrite.

Each (experiment, seed) runs in a fresh process through tools/bench/experiments.py's version of
the experiment in that framework (the tutorial's model, sizes, batches, epochs and statefulness;
the same evaluation as lstm-lab's; PyTorch with its own initialisers and Adam defaults). Every
finished run is written at once to its own file, datasets/DIR/runs/EXPERIMENT/seed-NNN.json (DIR:
keras, torch, or keras-tutorial)
(written to a temporary name, then renamed), with the host and the versions it ran on. Runs whose
file exists are skipped, so an interrupted study resumes where it stopped, and several processes
(different --experiments or --first-seed) can run side by side without losing each other's runs.
`--merge` gathers every run file (and the runs already in the merged file) into
datasets/DIR/study.json, the file lstm-lab reads.

Usage: seed_study.py [--framework keras|torch|tutorial] [--seeds 20] [--slow-seeds 20]
                     [--experiments a,b] [--first-seed 1]
       seed_study.py [--framework keras|torch|tutorial] --merge

--slow-seeds applies to the two experiments that take 5-12 minutes a seed in Keras on 2 cores
(randint-echo, echo-partial); --seeds to the others (1-3 minutes a seed).
"""
import argparse
import glob
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "bench"))
from experiments import EXPERIMENTS  # noqa: E402
from run import cpu_name  # noqa: E402

SLOW = ("randint-echo", "echo-partial")
FIELDS = ("experiment", "seed", "accuracy", "last_fit_accuracy", "train_seconds")
# The versions each framework's runs record (all runs of one merged file share them).
VERSIONS = {"keras": ("keras", "tensorflow"), "torch": ("torch",), "tutorial": ("keras", "tensorflow")}
# The experiments tools/tutorial_programs.py has (003's alphabet matches the rewrite seed for seed).
TUTORIAL_EXPERIMENTS = ("randint-echo", "vanilla-index", "echo-whole", "echo-partial", "vanilla-second")
# Where each framework's runs go, under datasets/.
DIRS = {"keras": "keras", "torch": "torch", "tutorial": "keras-tutorial"}
ABOUT = {
    "keras": "Real Keras runs of the eight experiments (tools/seed_study.py via tools/bench/experiments.py), "
    "one process per seed: accuracy is the same evaluation as lstm-lab's outcome.accuracy, last_fit_accuracy "
    "the training accuracy Keras logged for the last epoch or fit.",
    "tutorial": "The tutorials' own Keras programs with the fewest changes Keras 3 needs (tools/tutorial_programs.py, "
    "via tools/seed_study.py), one process per seed: accuracy is the rewrite's evaluation (20 new sequences for 000 and "
    "002, the tutorial's own for 001 and 004), last_fit_accuracy the training accuracy Keras logged for the last fit.",
    "torch": "PyTorch runs of the eight experiments as a PyTorch user writes them (nn.LSTM and nn.Linear with "
    "PyTorch's initialisers, torch.optim.Adam's defaults; tools/seed_study.py via tools/bench/experiments.py), "
    "one process per seed: accuracy is the same evaluation as lstm-lab's outcome.accuracy, last_fit_accuracy "
    "the training accuracy over the last epoch's or fit's batches as they were trained.",
}


def write_json(path, value):
    """Writes `value` to a temporary file beside `path`, then renames it over `path`."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp-{platform.node()}-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def run_path(runs, name, seed):
    return os.path.join(runs, name, f"seed-{seed:03}.json")


def merge(framework, runs_dir, out):
    """study.json's runs plus every run file, one run per (experiment, seed), run files first."""
    study = {"_about": ABOUT[framework], "runs": []}
    if os.path.exists(out):
        with open(out) as f:
            study = json.load(f)
    runs = {(r["experiment"], r["seed"]): r for r in study["runs"]}
    hosts, versions = set(), set()
    if study["runs"] and all(k in study for k in VERSIONS[framework]):
        # The merged runs' versions count too: new run files must not relabel them.
        versions.add(tuple(study[k] for k in VERSIONS[framework]))
    for path in sorted(glob.glob(os.path.join(runs_dir, "*", "seed-*.json"))):
        with open(path) as f:
            run = json.load(f)
        runs[(run["experiment"], run["seed"])] = {k: run[k] for k in FIELDS}
        hosts.add(run["host"]["cpu"])
        versions.add(tuple(run[k] for k in VERSIONS[framework]))
    if len(versions) > 1:
        sys.exit(f"run files from several {framework} versions: {sorted(versions)}")
    if versions:
        study.update(zip(VERSIONS[framework], versions.pop()))
    if hosts:
        known = {m for m in study.get("machine", "").split("; ") if m}
        study["machine"] = "; ".join(sorted(hosts | known))
    study["runs"] = sorted(runs.values(), key=lambda r: (list(EXPERIMENTS).index(r["experiment"]), r["seed"]))
    write_json(out, study)
    counts = {name: sum(1 for r in study["runs"] if r["experiment"] == name) for name in EXPERIMENTS}
    print(f"{out}: " + ", ".join(f"{name} {n}" for name, n in counts.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=sorted(VERSIONS), default="keras")
    parser.add_argument("--runs", help="default: datasets/FRAMEWORK/runs")
    parser.add_argument("--out", help="default: datasets/FRAMEWORK/study.json")
    parser.add_argument("--merge", action="store_true", help="gather the run files into --out and stop")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--slow-seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--experiments", help="comma-separated (default: all eight; with --framework tutorial, the five it has)")
    args = parser.parse_args()
    args.runs = args.runs or os.path.join(ROOT, "datasets", DIRS[args.framework], "runs")
    args.out = args.out or os.path.join(ROOT, "datasets", DIRS[args.framework], "study.json")
    if args.merge:
        merge(args.framework, args.runs, args.out)
        return
    if args.experiments is None:
        args.experiments = ",".join(EXPERIMENTS if args.framework != "tutorial" else TUTORIAL_EXPERIMENTS)
    names = [n for n in args.experiments.split(",") if n]
    unknown = [n for n in names if n not in EXPERIMENTS]
    if unknown:
        sys.exit(f"unknown experiment(s) {', '.join(unknown)}; known: {', '.join(EXPERIMENTS)}")

    missing = [n for n in names if args.framework == "tutorial" and n not in TUTORIAL_EXPERIMENTS]
    if missing:
        sys.exit(f"no tutorial program for {', '.join(missing)}; known: {', '.join(TUTORIAL_EXPERIMENTS)}")
    if args.framework in ("keras", "tutorial"):
        import keras
        import tensorflow as tf

        versions = dict(keras=keras.__version__, tensorflow=tf.__version__)
    else:
        import torch

        versions = dict(torch=torch.__version__)
    done = set()
    if os.path.exists(args.out):
        with open(args.out) as f:
            done = {(r["experiment"], r["seed"]) for r in json.load(f)["runs"]}
    host = {"cpu": cpu_name(), "machine": platform.machine(), "cores": os.cpu_count(), "node": platform.node()}
    # Round-robin over experiments, seed by seed, so that an interrupted study has every experiment.
    todo = []
    for i in range(max(args.seeds, args.slow_seeds)):
        for name in names:
            seed = args.first_seed + i
            if i < (args.slow_seeds if name in SLOW else args.seeds):
                if (name, seed) not in done and not os.path.exists(run_path(args.runs, name, seed)):
                    todo.append((name, seed))
    for k, (name, seed) in enumerate(todo, 1):
        if os.path.exists(run_path(args.runs, name, seed)):  # another process finished it meanwhile
            continue
        start = time.time()
        if args.framework == "tutorial":
            cmd = [sys.executable, os.path.join(HERE, "tutorial_programs.py"), name, str(seed)]
        else:
            cmd = [sys.executable, os.path.join(HERE, "bench", "experiments.py"), args.framework, name, str(seed)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        run = json.loads(proc.stdout.strip().splitlines()[-1])
        record = {key: run[key] for key in FIELDS}
        record.update(versions, python=platform.python_version(), host=host)
        write_json(run_path(args.runs, name, seed), record)
        print(f"[{k}/{len(todo)}] {name} seed {seed}: {run['accuracy']:.2f}% "
              f"(last fit {run['last_fit_accuracy']:.2f}%) in {time.time() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
