"""Execute one Jupyter notebook headlessly with Jupyter's own executor (nbclient).

Run by `dive notebooks run` (lib/notebooks/run.ts) with Debian's /usr/bin/python3:

    python3 execute.py SOURCE.ipynb DEST.ipynb --kernel tslab --timeout 300 --cwd DIR

The kernel is started in --cwd (the source notebook's folder, so relative paths and
`import ... from 'divelab'` resolve as they do in an interactive session). On success the executed
notebook (outputs included) is written to DEST; the source is only read. Either way ONE JSON
line is printed on stdout for the caller:

    {"ok": true, "cells": 7, "seconds": 4.2}
    {"ok": false, "cell": 4, "ename": "TypeError", "evalue": "...", "seconds": 3.1}

`cell` is the 1-based position of the failing cell among ALL cells of the notebook (Markdown
included), i.e. what a reader counts from the top. Exit status: 0 ok, 1 a cell failed,
2 the notebook could not be read or the kernel could not start.
"""
import argparse
import json
import re
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("dest")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    ap.add_argument("--cwd", required=True)
    args = ap.parse_args()

    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError
    except ImportError as err:
        emit({"ok": False, "fatal": "python3 lacks Jupyter's executor (%s)" % err})
        return 2

    start = time.time()
    try:
        nb = nbformat.read(args.source, as_version=4)
    except Exception as err:  # unreadable JSON / not a notebook
        emit({"ok": False, "fatal": "cannot read notebook: %s" % err})
        return 2

    failed = {}
    started = {}

    def on_cell_start(cell, cell_index):
        started["cell"] = cell_index + 1

    def on_cell_error(cell, cell_index, execute_reply):
        failed.setdefault("cell", cell_index + 1)

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        allow_errors=False,
        resources={"metadata": {"path": args.cwd}},
        on_cell_start=on_cell_start,
        on_cell_error=on_cell_error,
    )
    seconds = lambda: round(time.time() - start, 3)
    try:
        client.execute()
    except CellTimeoutError as err:
        emit({"ok": False, "cell": started.get("cell"), "ename": "Timeout",
              "evalue": "cell did not finish within %d s (raise --timeout)" % args.timeout,
              "seconds": seconds()})
        return 1
    except CellExecutionError as err:
        cell = failed.get("cell") or started.get("cell")
        ename, evalue = describe_error(nb.cells[cell - 1] if cell else None, err)
        emit({"ok": False, "cell": cell, "ename": ename, "evalue": evalue, "seconds": seconds()})
        return 1
    except Exception as err:  # kernel died or could not start
        emit({"ok": False, "cell": started.get("cell"),
              "fatal": "%s: %s" % (type(err).__name__, first_line(str(err))),
              "seconds": seconds()})
        return 2

    nbformat.write(nb, args.dest)
    emit({"ok": True, "cells": len(nb.cells), "seconds": seconds()})
    return 0


LOCATION = re.compile(r"^(\d+):(\d+) - (.*)$")            # tslab compile error "3:7 - Type ..."
EXCEPTION = re.compile(r"^([A-Za-z_$][\w$.]*): (.*)$")     # "TypeError: boom"


def describe_error(cell, err):
    """(ename, one-line evalue) for a failed cell.

    A kernel that follows the protocol sends an `error` output with ename/evalue. tslab does
    not: its reply has status "error" and the message only in the cell's stderr stream, either
    TypeScript diagnostics ("3:7 - Type 'string' is not assignable ...") or a Node stack trace
    ("TypeError: boom\n    at ..."). Both are reduced to one line here.
    """
    if cell is not None:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename"):
                return out["ename"], first_line(out.get("evalue"))
        stderr = "".join(o.get("text", "") for o in cell.get("outputs", [])
                         if o.get("output_type") == "stream" and o.get("name") == "stderr")
        lines = [l.rstrip() for l in stderr.splitlines() if l.strip()]
        for line in lines:
            m = LOCATION.match(line)
            if m:
                return "TypeScript", "line %s col %s: %s" % (m.group(1), m.group(2), m.group(3).strip())
        for line in lines:
            m = EXCEPTION.match(line)
            if m and not line.startswith(" "):
                return m.group(1), m.group(2).strip()
        if lines:
            return "Error", lines[0].strip()
    ename = getattr(err, "ename", None)
    if ename and not ename.startswith("<"):
        return ename, first_line(getattr(err, "evalue", ""))
    return "Error", "the kernel reported an error without a message"


def first_line(text):
    lines = [l.strip() for l in str(text or "").splitlines() if l.strip()]
    return " ".join(lines[:1]) if lines else ""


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
