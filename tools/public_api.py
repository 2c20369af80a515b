"""The crate's public API, as rustdoc lists it: every item a user can name (structs, enums,
traits, functions, type aliases, constants), by path, without the prelude's re-exports.

`python3 tools/public_api.py` builds the docs (`cargo doc --release --no-deps --lib`), writes
nothing, and fails when the list differs from docs/public-api.txt or holds more than LIMIT items:
a new public item is a decision, made by updating that file (`--update`)."""
import html
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTED = ROOT / "docs" / "public-api.txt"
LIMIT = 150


def items():
    subprocess.run(
        ["cargo", "doc", "--release", "--no-deps", "--lib", "--quiet"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "RUSTDOCFLAGS": "-D warnings"},
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    text = (ROOT / target / "doc" / "lstm_lab" / "all.html").read_text()
    found = []
    for kind, body in re.findall(r'<h3 id="([a-z-]+)">[^<]*</h3><ul class="all-items">(.*?)</ul>', text, flags=re.S):
        for name in re.findall(r"<li><a [^>]*>([^<]+)</a></li>", body):
            name = html.unescape(name)
            if not name.startswith("prelude::"):
                found.append(f"{kind[:-1] if kind.endswith('s') else kind} lstm_lab::{name}")
    return sorted(set(found))


def main():
    now = items()
    kinds = {}
    for line in now:
        kind = line.split()[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"{len(now)} public items ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}); limit {LIMIT}")
    if "--update" in sys.argv:
        LISTED.write_text("\n".join(now) + "\n")
        print(f"{LISTED.relative_to(ROOT)} updated")
        return 0 if len(now) <= LIMIT else 1
    listed = LISTED.read_text().split("\n") if LISTED.exists() else []
    listed = [line for line in listed if line]
    added = sorted(set(now) - set(listed))
    removed = sorted(set(listed) - set(now))
    for line in added:
        print(f"+ {line}")
    for line in removed:
        print(f"- {line}")
    if added or removed:
        print(f"the public API differs from {LISTED.relative_to(ROOT)}: update it with --update if that is meant")
        return 1
    if len(now) > LIMIT:
        print(f"over the limit of {LIMIT} public items")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
