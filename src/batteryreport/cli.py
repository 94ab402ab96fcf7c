"""Command line: ``python -m batteryreport build|briefs|publish|serve|validate``."""

from __future__ import annotations

import argparse
import sys


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--params", help="YAML file overriding params/default.yml")
    p.add_argument("--data", help="data folder to use instead of data/")
    p.add_argument("--jobs", type=int, default=2, help="notebooks run in parallel (default 2)")
    p.add_argument("--only", action="append", metavar="NOTEBOOK",
                   help="execute only this notebook (repeatable); others keep their last run")
    p.add_argument("--root", help=argparse.SUPPRESS)  # tests: a copy of the repository


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="batteryreport", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _common(sub.add_parser("build", help="validate, execute notebooks, build and publish the site"))
    _common(sub.add_parser("briefs", help="build and publish (site, briefs and edition "
                           "together), then list the PDF briefs"))
    _common(sub.add_parser("publish", help="build, then write the deployable folder "
                           "_build/public (every edition at its own address)"))
    s = sub.add_parser("serve", help="serve _build/public as a static host does (gzip)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--bind", default="127.0.0.1")
    s.add_argument("--folder", help="folder to serve (default: _build/public)")
    a = sub.add_parser("archive", help="copy the published editions' records into a folder "
                       "(CI keeps them on a branch between runs)")
    a.add_argument("folder")
    a.add_argument("--root", help=argparse.SUPPRESS)
    v = sub.add_parser("validate", help="validate the data and parameters only")
    _common(v)
    c = sub.add_parser("notebook-code", help="write the notebooks' code cells as .py files "
                       "(for the linter)")
    c.add_argument("out", help="folder to write them into")
    args = parser.parse_args(argv)
    if args.command == "notebook-code":
        from batteryreport.build.notebooks import NOTEBOOKS_DIR, export_code

        for path in export_code(NOTEBOOKS_DIR, __import__("pathlib").Path(args.out)):
            print(path)
        return 0
    if getattr(args, "jobs", 1) < 1:
        parser.error("--jobs must be at least 1")

    if args.command in ("build", "briefs", "publish"):
        # The lock and the helper processes first, the pipeline's imports after: the
        # helpers set up on the other core meanwhile (batteryreport/build/start.py).
        from batteryreport.build.start import begun

        with begun(args.root, args.data, args.params) as (layout, started):
            from batteryreport.build import pipeline

            if args.command == "publish":
                return pipeline.main_publish(args, layout, started)
            return pipeline.main_build(args, layout, started,
                                       list_briefs=args.command == "briefs")
    if args.command == "serve":
        from pathlib import Path

        from batteryreport import REPO_ROOT
        from batteryreport.build.serve import main as serve

        folder = Path(args.folder) if args.folder else REPO_ROOT / "_build" / "public"
        return serve(folder.resolve(), args.bind, args.port)
    if args.command == "archive":
        from pathlib import Path

        from batteryreport import REPO_ROOT
        from batteryreport.build.public import archive
        from batteryreport.core.errors import InputError

        root = Path(args.root).resolve() if args.root else REPO_ROOT
        try:
            added = archive(root / "_build", Path(args.folder))
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"archived {len(added)} new edition(s)" + (": " + ", ".join(added) if added else ""))
        return 0
    if args.command == "validate":
        from batteryreport.core.errors import InputError
        from batteryreport.data import validate
        from batteryreport.data.params import load_params

        try:
            load_params(args.params)
            names = validate(None if args.data is None else __import__("pathlib").Path(args.data))
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"valid: parameters and {len(names)} tables")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
