"""Real Keras 3 over many seeds: the distribution `lstm-lab study` compares the port with.

Each (experiment, seed) runs in a fresh process through tools/bench/experiments.py's Keras
version of the experiment (the tutorial's model, sizes, batches, epochs and statefulness; the same
evaluation as lstm-lab's). Results are appended to the output file after every run, so an
interrupted study resumes where it stopped; runs already in the file are skipped.

Usage: keras_study.py [--out datasets/keras/study.json] [--seeds 10] [--slow-seeds 3]
                      [--experiments a,b] [--first-seed 1]

--slow-seeds applies to the two experiments that take 6-12 minutes a seed on 2 cores
(randint-echo, echo-partial); --seeds to the others (1-3 minutes a seed).
"""
import argparse
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

SLOW = ("randint-echo", "echo-partial")


def load(path):
    if not os.path.exists(path):
        return {"runs": []}
    with open(path) as f:
        return json.load(f)


def save(path, study):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(study, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "datasets", "keras", "study.json"))
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--slow-seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--experiments", default=",".join(EXPERIMENTS))
    args = parser.parse_args()
    names = [n for n in args.experiments.split(",") if n]
    unknown = [n for n in names if n not in EXPERIMENTS]
    if unknown:
        sys.exit(f"unknown experiment(s) {', '.join(unknown)}; known: {', '.join(EXPERIMENTS)}")

    import keras
    import tensorflow as tf

    study = load(args.out)
    study["_about"] = (
        "Real Keras runs of the eight experiments (tools/keras_study.py via tools/bench/experiments.py), "
        "one process per seed: accuracy is the same evaluation as lstm-lab's outcome.accuracy, "
        "last_fit_accuracy the training accuracy Keras logged for the last epoch or fit."
    )
    study["keras"] = keras.__version__
    study["tensorflow"] = tf.__version__
    study["machine"] = f"{platform.machine()}, {os.cpu_count()} cores"
    done = {(r["experiment"], r["seed"]) for r in study["runs"]}
    # Round-robin over experiments, seed by seed, so that an interrupted study has every experiment.
    todo = []
    most = max(args.seeds, args.slow_seeds)
    for i in range(most):
        for name in names:
            if i < (args.slow_seeds if name in SLOW else args.seeds):
                seed = args.first_seed + i
                if (name, seed) not in done:
                    todo.append((name, seed))
    for k, (name, seed) in enumerate(todo, 1):
        start = time.time()
        cmd = [sys.executable, os.path.join(HERE, "bench", "experiments.py"), "keras", name, str(seed)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        run = json.loads(proc.stdout.strip().splitlines()[-1])
        study["runs"].append({key: run[key] for key in ("experiment", "seed", "accuracy", "last_fit_accuracy", "train_seconds")})
        study["runs"].sort(key=lambda r: (list(EXPERIMENTS).index(r["experiment"]), r["seed"]))
        save(args.out, study)
        print(f"[{k}/{len(todo)}] {name} seed {seed}: {run['accuracy']:.2f}% "
              f"(last fit {run['last_fit_accuracy']:.2f}%) in {time.time() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
