"""The `openness` command line (also `python -m analysis`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import pipeline, schema


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="openness", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build the tables from a corpus")
    b.add_argument("corpus", nargs="+", type=Path)
    b.add_argument("--out", type=Path, default=Path("build"))
    a = p.parse_args(argv)
    if a.cmd == "build":
        tables = pipeline.build_tables(a.corpus)
        schema.write_tables(tables, a.out)
        print(f"tables written to {a.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
