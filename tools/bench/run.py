"""`just bench`: lstm-lab against JAX, PyTorch and Keras on the eight experiments, in one run.

Rounds interleave (ours, JAX, PyTorch, Keras, ours, ...) experiment by experiment, each run in a
fresh process; a ratio is the median of the per-round ratios (Keras: the rounds it ran). JAX's
compile time is measured apart and is not in its training seconds. Also runs `lstm-lab floor`
(the experiments' FLOPs and this CPU's GEMM rate on their shapes).

Usage: run.py [--rounds 3] [--keras-rounds 1] [--experiments a,b] [--frameworks jax,pytorch,keras]
              [--reference-step] [--rust-only]
Writes results/bench.json and results/bench.md, and prints the table.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.join(ROOT, "target", "release", "lstm-lab")
EXPERIMENTS = [
    "randint-echo", "vanilla-index", "echo-whole", "echo-partial", "alphabet-2step",
    "alphabet-feature-window", "alphabet-timestep-window", "vanilla-second",
]


def run_child(cmd):
    """Runs cmd to completion; returns (stdout, peak RSS MiB)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read()[-2000:]}")
        return out.read(), usage.ru_maxrss / 1024


def ours(name, seed, binary=BIN, extra=()):
    with tempfile.TemporaryDirectory() as tmp:
        _, rss = run_child([binary, "run", name, "--seed", str(seed), "--out", tmp, *extra])
        with open(os.path.join(tmp, f"{name}.json")) as f:
            record = json.load(f)
    outcome = record.get("outcome", record)
    return dict(train_seconds=outcome["train_seconds"], accuracy=outcome["accuracy"], peak_mib=rss)


def python_side(python, framework, name, seed):
    out, rss = run_child([python, os.path.join(HERE, "experiments.py"), framework, name, str(seed)])
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mib"] = rss
    return result


def median_ratio(num, den):
    ratios = [a / b for a, b in zip(num, den)]
    return statistics.median(ratios) if ratios else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keras-rounds", type=int, default=1)
    ap.add_argument("--experiments", default=",".join(EXPERIMENTS))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rust-only", action="store_true", help="only lstm-lab (the CI smoke test)")
    ap.add_argument("--frameworks", default="jax,pytorch,keras", help="the others to time beside lstm-lab")
    ap.add_argument("--reference-step", action="store_true", help="time lstm-lab's runs with `--reference-step` (Burn's autodiff step, not the fused one)")
    ap.add_argument("--out", default=os.path.join(ROOT, "results"))
    ap.add_argument("--baseline", help="another lstm-lab binary (say, an older commit's) to time in the same rounds")
    args = ap.parse_args()
    names = args.experiments.split(",")
    for n in names:
        if n not in EXPERIMENTS:
            sys.exit(f"unknown experiment {n!r}; known: {', '.join(EXPERIMENTS)}")
    torch_py = os.path.join(ROOT, ".venv-torch", "bin", "python")
    keras_py = os.path.join(ROOT, ".venv-keras", "bin", "python")
    jax_py = os.path.join(ROOT, ".venv-jax", "bin", "python")
    others = [] if args.rust_only else args.frameworks.split(",")
    for f in others:
        if f not in ("jax", "pytorch", "keras"):
            sys.exit(f"unknown framework {f!r}; known: jax, pytorch, keras")
    for f, p in (("jax", jax_py), ("pytorch", torch_py), ("keras", keras_py)):
        if f in others:
            if not os.path.exists(p):
                sys.exit(f"{p} is missing: run `just bench-setup` first (or pass --rust-only)")

    started = time.time()
    floor_out, _ = run_child([BIN, "floor", "--seconds", "1"])
    floor = json.loads(floor_out)
    floors = {f["experiment"]: f for f in floor["experiments"]}
    runs = {n: dict(ours=[], baseline=[], jax=[], pytorch=[], keras=[]) for n in names}
    for r in range(args.rounds):
        for n in names:
            runs[n]["ours"].append(ours(n, args.seed, extra=["--reference-step"] if args.reference_step else []))
            line = f"round {r + 1}: {n:<26} ours {runs[n]['ours'][-1]['train_seconds']:8.2f} s"
            if args.baseline:
                runs[n]["baseline"].append(ours(n, args.seed, args.baseline))
                line += f"  baseline {runs[n]['baseline'][-1]['train_seconds']:8.2f} s"
            if "jax" in others:
                runs[n]["jax"].append(python_side(jax_py, "jax", n, args.seed))
                line += f"  jax {runs[n]['jax'][-1]['train_seconds']:8.3f} s"
            if "pytorch" in others:
                runs[n]["pytorch"].append(python_side(torch_py, "torch", n, args.seed))
                line += f"  pytorch {runs[n]['pytorch'][-1]['train_seconds']:8.2f} s"
            if "keras" in others:
                if r < args.keras_rounds:
                    runs[n]["keras"].append(python_side(keras_py, "keras", n, args.seed))
                    line += f"  keras {runs[n]['keras'][-1]['train_seconds']:8.2f} s"
            print(line, flush=True)

    rows = []
    for n in names:
        o = [x["train_seconds"] for x in runs[n]["ours"]]
        p = [x["train_seconds"] for x in runs[n]["pytorch"]]
        j = [x["train_seconds"] for x in runs[n]["jax"]]
        k = [x["train_seconds"] for x in runs[n]["keras"]]
        base = [x["train_seconds"] for x in runs[n]["baseline"]]
        f = floors[n]
        ours_s = statistics.median(o)
        rows.append(dict(
            experiment=n,
            ours_seconds=ours_s,
            baseline_seconds=statistics.median(base) if base else None,
            jax_seconds=statistics.median(j) if j else None,
            jax_compile_seconds=statistics.median(x["compile_seconds"] for x in runs[n]["jax"]) if j else None,
            pytorch_seconds=statistics.median(p) if p else None,
            keras_seconds=statistics.median(k) if k else None,
            jax_over_ours=median_ratio(j, o),
            pytorch_over_ours=median_ratio(p, o),
            keras_over_ours=median_ratio(k, o),
            steps_per_second=f["train_steps"] / ours_s if ours_s > 0 else None,
            peak_mib=max(x["peak_mib"] for x in runs[n]["ours"]),
            gflop=f["flops"] / 1e9,
            effective_gflops=f["flops"] / ours_s / 1e9 if ours_s > 0 else None,
            gemm_gflops=f["gemm_rate"] / 1e9,
            share_of_gemm=f["flops"] / ours_s / f["gemm_rate"] if ours_s > 0 else None,
            # Our seconds over the FLOP floor of two cores: FLOPs / (2 x the single-thread GEMM rate).
            over_two_core_floor=ours_s / (f["flops"] / (2 * f["gemm_rate"])) if f["flops"] > 0 else None,
            accuracy=dict(ours=runs[n]["ours"][0]["accuracy"],
                          jax=runs[n]["jax"][0]["accuracy"] if j else None,
                          pytorch=runs[n]["pytorch"][0]["accuracy"] if p else None,
                          keras=runs[n]["keras"][0]["accuracy"] if k else None),
        ))
    total = lambda key: sum(r[key] for r in rows) if all(r[key] is not None for r in rows) else None
    summary = dict(
        ours_seconds=total("ours_seconds"),
        baseline_seconds=total("baseline_seconds"),
        jax_seconds=total("jax_seconds"),
        jax_compile_seconds=total("jax_compile_seconds"),
        pytorch_seconds=total("pytorch_seconds"),
        keras_seconds=total("keras_seconds"),
    )
    result = dict(
        seed=args.seed, rounds=args.rounds, reference_step=args.reference_step, keras_rounds=args.keras_rounds if "keras" in others else 0,
        baseline=args.baseline, jax_version=next((x["version"] for n in names for x in runs[n]["jax"]), None),
        cpu=cpu_name(), cores=os.cpu_count(), gemm_gflops_1024=floor["gemm_rate_1024"] / 1e9,
        wall_seconds=time.time() - started, experiments=rows, total=summary, runs=runs,
    )
    md = markdown(result)
    print("\n" + md)
    # results/ keeps the full comparison: a partial run writes there only when --out says so.
    if set(others) == {"jax", "pytorch", "keras"} or args.out != os.path.join(ROOT, "results"):
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "bench.json"), "w") as f:
            json.dump(result, f, indent=2)
        with open(os.path.join(args.out, "bench.md"), "w") as f:
            f.write(md)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def others_described(r):
    """The other frameworks that ran, in words ("-" in the table for the ones that did not)."""
    ran = {f for x in r["experiments"] for f, key in
           (("jax", "jax_seconds"), ("pytorch", "pytorch_seconds"), ("keras", "keras_seconds")) if x[key] is not None}
    words = {
        "jax": f"JAX {r.get('jax_version')} jit-compiled (tools/bench/jax_experiments.py; compile seconds apart, "
               "not in its training seconds)",
        "pytorch": "PyTorch eager (its default threads: one per core)",
        "keras": "Keras 3 (TensorFlow)",
    }
    return [words[f] for f in ("jax", "pytorch", "keras") if f in ran] or ["no other framework"]


def markdown(r):
    fmt = lambda v, spec: "-" if v is None else format(v, spec)
    lines = [
        f"Training seconds, seed {r['seed']}, {r['cpu']} ({r['cores']} cores): lstm-lab on the CPU backend "
        f"({'the reference step (`--reference-step`), one thread' if r.get('reference_step') else 'the fused training step, one thread except products of a million multiply-adds or more and Adam on large matrices, which it splits over two cores (echo-partial)'}); "
        + "; ".join(others_described(r))
        + f". Medians of {r['rounds']} interleaved rounds (Keras: {r['keras_rounds']}); ratios are medians "
        f"of the per-round ratios. GEMM: this CPU's single-thread rate on the experiment's own matrix shapes "
        f"({r['gemm_gflops_1024']:.0f} GFLOP/s on 1024^3); share = FLOPs / our seconds / GEMM rate; x floor = our seconds / (FLOPs / (2 x GEMM rate)), how far from the FLOP floor of two cores.",
        "",
        "| experiment | lstm-lab s | JAX s | JAX compile s | PyTorch s | Keras s | JAX / ours | PyTorch / ours | Keras / ours | steps/s | peak MiB | GFLOP | GFLOP/s | GEMM GFLOP/s | share | x floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for x in r["experiments"]:
        lines.append(
            f"| {x['experiment']} | {x['ours_seconds']:.3f} | {fmt(x['jax_seconds'], '.3f')} | "
            f"{fmt(x['jax_compile_seconds'], '.1f')} | {fmt(x['pytorch_seconds'], '.2f')} | "
            f"{fmt(x['keras_seconds'], '.1f')} | {fmt(x['jax_over_ours'], '.2f')} | {fmt(x['pytorch_over_ours'], '.2f')} | "
            f"{fmt(x['keras_over_ours'], '.1f')} | {fmt(x['steps_per_second'], '.0f')} | {x['peak_mib']:.0f} | "
            f"{x['gflop']:.1f} | {fmt(x['effective_gflops'], '.1f')} | {x['gemm_gflops']:.0f} | "
            f"{fmt(x['share_of_gemm'], '.0%')} | {fmt(x.get('over_two_core_floor'), '.1f')} |"
        )
    t = r["total"]
    ratio = lambda a, b: None if a is None or b is None else a / b
    lines.append(
        f"| total | {t['ours_seconds']:.3f} | {fmt(t['jax_seconds'], '.3f')} | {fmt(t['jax_compile_seconds'], '.1f')} | "
        f"{fmt(t['pytorch_seconds'], '.2f')} | {fmt(t['keras_seconds'], '.1f')} | "
        f"{fmt(ratio(t['jax_seconds'], t['ours_seconds']), '.2f')} | "
        f"{fmt(ratio(t['pytorch_seconds'], t['ours_seconds']), '.2f')} | "
        f"{fmt(ratio(t['keras_seconds'], t['ours_seconds']), '.1f')} | | | | | | | |"
    )
    if t["baseline_seconds"] is not None:
        lines += ["", f"Baseline (`{r['baseline']}`), timed in the same rounds: {t['baseline_seconds']:.2f} s in total, "
                  f"{t['baseline_seconds'] / t['ours_seconds']:.2f}x ours. Per experiment: "
                  + ", ".join(f"{x['experiment']} {x['baseline_seconds']:.2f} s" for x in r["experiments"]) + "."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
