"""How many planted bugs the rules' own tests catch: runs mutmut over jjg_desktop/rules with
tests/rules (configured in pyproject.toml, [tool.mutmut]) and prints the score per module.

    pip install -e '.[mutation]'
    python scripts/mutation_score.py [--minimum 90] [--children 2]

A mutant no test reaches counts as surviving. Exits 1 below --minimum.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scores(listing: str) -> tuple[Counter[str], Counter[str]]:
    """Mutants and survivors per module from `mutmut results --all true`."""
    total: Counter[str] = Counter()
    survived: Counter[str] = Counter()
    for line in listing.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if not name.startswith("jjg_desktop."):
            continue
        module = ".".join(name.split(".")[:3])
        total[module] += 1
        survived[module] += status.strip() != "killed"
    return total, survived


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minimum", type=float, default=90.0)
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true", help="keep earlier results (mutants/)")
    args = parser.parse_args()
    os.chdir(ROOT)
    if not args.keep:
        shutil.rmtree("mutants", ignore_errors=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(["mutmut", "run", "--max-children", str(args.children)], env=env,
                   stdout=subprocess.DEVNULL, check=False)
    listing = subprocess.run(["mutmut", "results", "--all", "true"], env=env, check=True,
                             capture_output=True, text=True).stdout
    total, survived = scores(listing)
    if not total:
        print("mutmut produced no results", file=sys.stderr)
        return 2
    print(f"{'module':38} {'mutants':>8} {'survived':>9} {'score':>6}")
    for module in sorted(total):
        killed = total[module] - survived[module]
        print(f"{module:38} {total[module]:8} {survived[module]:9} "
              f"{100 * killed / total[module]:5.1f}%")
    all_killed = sum(total.values()) - sum(survived.values())
    score = 100 * all_killed / sum(total.values())
    print(f"{'all of jjg_desktop/rules':38} {sum(total.values()):8} "
          f"{sum(survived.values()):9} {score:5.1f}%")
    return 0 if score >= args.minimum else 1


if __name__ == "__main__":
    raise SystemExit(main())
