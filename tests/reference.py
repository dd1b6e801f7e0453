#!/usr/bin/env python3
"""tests/reference.py - an independent numpy reference for mpifractal's counts.

Usage: reference.py JOBFILE OUTPUT.h5 [ROW,ROW,...]

With a list of rows, only those rows are computed and compared (for images
too large to recompute whole).

Reads the render parameters from the job file (its own parser, not the
program's), computes every escape count with plain numpy arrays the way the
seed articles do, and compares counts and coordinates with the HDF5 file,
exactly. Exits 0 when identical, 1 with a description of the first mismatches.
"""
import sys

import h5py
import numpy as np

DEFAULTS = {
    "julia": dict(xleft=-0.1, xright=0.1, ybot=-0.1, ytop=0.1),
    "mandelbrot": dict(xleft=-2.5, xright=1.0, ybot=-1.25, ytop=1.25),
}


def read_keys(path):
    """The 'key = value' lines of a job file, as strings (keys spelled with '_')."""
    keys = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                key, value = (s.strip() for s in line.split("=", 1))
                keys[key.replace("-", "_")] = value
    return keys


def read_job(path):
    params = read_keys(path)
    fractal = params.get("fractal", "julia")
    p = dict(DEFAULTS[fractal])
    p.update(fractal=fractal, real=-0.835, imag=-0.2321, threshold=2.0, itermin=20, itermax=100,
             resolution=4000, height=0)
    for key in ("xleft", "xright", "ybot", "ytop", "real", "imag", "threshold"):
        if key in params:
            p[key] = float(params[key])
    for key in ("itermin", "itermax", "resolution", "height"):
        if key in params:
            p[key] = int(params[key])
    if p["height"] == 0:
        dx = (p["xright"] - p["xleft"]) / (p["resolution"] - 1)
        p["height"] = int(round((p["ytop"] - p["ybot"]) / dx)) + 1
    return p


def escape_counts(p, rows=None):
    x = np.linspace(p["xleft"], p["xright"], p["resolution"])
    y = np.linspace(p["ytop"], p["ybot"], p["height"])
    if rows is not None:
        y = y[rows]
    xs, ys = np.meshgrid(x, y)
    if p["fractal"] == "mandelbrot":
        re, im = np.zeros_like(xs), np.zeros_like(ys)
        cre, cim = xs, ys
    else:
        re, im = xs.copy(), ys.copy()
        cre = np.full_like(xs, p["real"])
        cim = np.full_like(ys, p["imag"])
    limit = p["threshold"] ** 2
    itermax = p["itermax"]
    counts = np.full(xs.shape, itermax, dtype=np.uint32)
    active = np.ones(xs.shape, dtype=bool)
    for k in range(itermax):
        r, i, a, b = re[active], im[active], cre[active], cim[active]
        new_re = (r * r - i * i) + a
        new_im = (r * i) * 2.0 + b
        re[active], im[active] = new_re, new_im
        escaped = new_re * new_re + new_im * new_im > limit
        idx = np.flatnonzero(active)[escaped]
        counts.flat[idx] = k
        active.flat[idx] = False
        if not active.any():
            break
    return x, y, counts


def main():
    job, h5path = sys.argv[1], sys.argv[2]
    rows = sorted(int(r) for r in sys.argv[3].split(",")) if len(sys.argv) > 3 else None
    p = read_job(job)
    x, y, expected = escape_counts(p, rows)
    with h5py.File(h5path, "r") as f:
        got = f["counts"][rows, :] if rows else f["counts"][...]
        fx = f["x"][...]
        fy = f["y"][rows] if rows else f["y"][...]
    problems = []
    if got.shape != expected.shape:
        problems.append(f"shape {got.shape} != reference {expected.shape}")
    else:
        diff = np.argwhere(got != expected)
        if len(diff):
            problems.append(f"{len(diff)} counts differ, first at (row, col) {tuple(diff[0])}: "
                            f"{got[tuple(diff[0])]} != reference {expected[tuple(diff[0])]}")
    if not np.array_equal(fx, x):
        problems.append("x coordinates differ from numpy.linspace")
    if not np.array_equal(fy, y):
        problems.append("y coordinates differ from numpy.linspace")
    return report(problems, f"identical: {expected.size} counts, sum {int(expected.sum(dtype=np.uint64))}")


def report(problems, success):
    """Prints the problems found, or the success line; returns the exit status."""
    for line in problems:
        print(line)
    if not problems:
        print(success)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
