"""Print the mutation score of each module from mutmut's results (``make mutate``).

Reads ``mutmut results --all true`` (one ``name: status`` line per mutant) and prints, per
module, the mutants killed (killed, timeout, caught by type check) out of those checked.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

KILLED = {"killed", "timeout", "caught by type check", "segfault"}
LINE = re.compile(r"^\s*(?P<name>[\w.]+?)\.x[_ǁ]\S*: (?P<status>.+?)\s*$")


def main() -> int:
    mutmut = Path(sys.executable).with_name("mutmut")
    out = subprocess.run(
        [str(mutmut), "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            by_module[m["name"]][m["status"]] += 1
    print(f"{'module':42} {'killed':>7} {'checked':>8} {'score':>6}  survivors / other")
    for module, counts in sorted(by_module.items()):
        killed = sum(n for s, n in counts.items() if s in KILLED)
        checked = killed + counts["survived"] + counts["suspicious"] + counts["no tests"]
        if not checked:
            continue
        rest = ", ".join(f"{s} {n}" for s, n in sorted(counts.items()) if s not in KILLED)
        print(f"{module:42} {killed:7} {checked:8} {killed / checked:6.0%}  {rest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
