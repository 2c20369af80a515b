"""Compares the results a run regenerated with the committed ones, seconds and host fields aside.

CI runs it after `lstm-lab reproduce`: every file under results/ (and the README's generated tables)
that the run rewrote must hold the numbers committed, to the last digit, whatever machine CI ran
on. Timing and machine fields are left out of the comparison: JSON keys that name seconds, wall
time, jobs or the host, and markdown table columns headed `train s` or `... seconds`, and the
`Total training time` line.

For each file that differs it prints the file, the first place that differs (a JSON path or a
line), both values there, how many entries differ and the largest numeric difference, and exits
1. Usage: results_diff.py [--base HEAD] [PATH ...] (default: results README.md)
"""
import argparse
import json
import math
import re
import subprocess
import sys

SKIP_KEY = re.compile(r"seconds|^host$|^hosts$|^jobs$|^wall", re.I)
SKIP_HEADER = re.compile(r"^(train s|.*seconds.*|s)$", re.I)
SKIP_LINE = re.compile(r"^Total training time")


def git(*args, check=True):
    out = subprocess.run(["git", *args], capture_output=True, text=True)
    if check and out.returncode != 0:
        sys.exit(f"git {' '.join(args)}: {out.stderr.strip()}")
    return out


def changed_files(base, paths):
    """Files under `paths` that differ from `base` in the work tree, including new ones."""
    out = git("status", "--porcelain", "--untracked-files=all", "--", *paths).stdout
    files = []
    for line in out.splitlines():
        path = line[3:].split(" -> ")[-1]
        files.append((line[:2], path))
    diff = git("diff", "--name-only", base, "--", *paths).stdout.split()
    for path in diff:
        if path not in [p for _, p in files]:
            files.append((" M", path))
    return files


def flatten_json(value, path="", out=None):
    """{json path: leaf value}, without the skipped keys."""
    if out is None:
        out = {}
    if isinstance(value, dict):
        for k, v in value.items():
            if not SKIP_KEY.search(k):
                flatten_json(v, f"{path}.{k}" if path else k, out)
    elif isinstance(value, list):
        out[f"{path}.length"] = len(value)
        for i, v in enumerate(value):
            flatten_json(v, f"{path}[{i}]", out)
    else:
        out[path] = value
    return out


def markdown_lines(text):
    """The lines of a markdown file, with the skipped columns of its tables blanked."""
    lines, skip_cols = [], set()
    for line in text.splitlines():
        if SKIP_LINE.search(line):
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not skip_cols and not all(re.fullmatch(r":?-+:?", c) for c in cells):
                found = {i for i, c in enumerate(cells) if SKIP_HEADER.match(c)}
                if found:
                    skip_cols = found
            cells = ["*" if i in skip_cols else c for i, c in enumerate(cells)]
            line = "| " + " | ".join(cells) + " |"
        else:
            skip_cols = set()
        lines.append(line)
    return lines


def compare_lines(path, old, new):
    """None, or a few lines saying where two texts (as lists of lines) differ."""
    import difflib

    blocks = [op for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"]
    if not blocks:
        return None
    _, i1, i2, j1, j2 = blocks[0]
    show = lambda lines, i, end: repr(lines[i][:100]) if i < end else "nothing"
    changed = sum(max(b[2] - b[1], b[4] - b[3]) for b in blocks)
    return (f"{path}: line {j1 + 1} differs from the committed file: {show(new, j1, j2)} here, "
            f"{show(old, i1, i2)} committed (line {i1 + 1})\n"
            f"  {changed} of {max(len(old), len(new))} lines differ, in {len(blocks)} place(s)")


def number(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    return None


def compare(path, old, new):
    """None, or a few lines saying where `old` and `new` differ."""
    keys = list(dict.fromkeys([*old, *new]))
    differing = [k for k in keys if old.get(k, "<absent>") != new.get(k, "<absent>")
                 and not (isinstance(old.get(k), float) and isinstance(new.get(k), float)
                          and math.isnan(old[k]) and math.isnan(new[k]))]
    if not differing:
        return None
    first = differing[0]
    gaps = [abs(number(old[k]) - number(new[k])) for k in differing
            if k in old and k in new and number(old[k]) is not None and number(new[k]) is not None]
    largest = f", the largest by {max(gaps):.3g}" if gaps else ""
    show = lambda v: (repr(v) if len(repr(v)) <= 100 else repr(v)[:100] + "...")
    return (f"{path}: {first} differs from the committed file: {show(new.get(first, '<absent>'))} "
            f"here, {show(old.get(first, '<absent>'))} committed\n"
            f"  {len(differing)} of {len(keys)} entries differ{largest}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD")
    parser.add_argument("paths", nargs="*", default=["results", "README.md"])
    args = parser.parse_args()
    failures, compared = [], 0
    for status, path in changed_files(args.base, args.paths):
        if status.strip() == "D":
            failures.append(f"{path}: committed, but the run did not write it")
            continue
        old = git("show", f"{args.base}:{path}", check=False)
        if old.returncode != 0:
            failures.append(f"{path}: written by the run, but not committed")
            continue
        with open(path, encoding="utf-8") as f:
            new_text = f.read()
        compared += 1
        if path.endswith(".json"):
            message = compare(path, flatten_json(json.loads(old.stdout)), flatten_json(json.loads(new_text)))
        elif path.endswith(".md"):
            message = compare_lines(path, markdown_lines(old.stdout), markdown_lines(new_text))
        else:
            message = compare_lines(path, old.stdout.splitlines(), new_text.splitlines())
        if message:
            failures.append(message)
    for message in failures:
        print(message)
    if failures:
        print(f"results diff: {len(failures)} file(s) differ from {args.base} (seconds and host aside)")
        sys.exit(1)
    print(f"results diff: the regenerated results equal {args.base}'s "
          f"({compared} rewritten file(s) differ only in seconds or host)")


if __name__ == "__main__":
    main()
