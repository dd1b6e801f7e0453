#!/usr/bin/env python3
"""tests/check_zoom.py - checks the frames of a zoom sequence against an independent computation.

Usage: check_zoom.py JOBFILE PREFIX FRAMES

JOBFILE holds the start view (xleft, xright, ybot, ytop) and the end view
(end_xleft, ...); the frames were rendered as PREFIX-NNNN.h5 (and, if the job
has png = ..., PREFIX-NNNN.png). Checks that exactly FRAMES frames exist with
names that sort in frame order, that each file is complete, that frame k's view
is the geometric zoom promised (computed here from the point both views share:
p + (start edge - p) * s**t with t = k / (FRAMES - 1), s = end width / start
width), that every frame has the first frame's size, and that its counts equal
tests/reference.py's numpy computation exactly. Exits 0, or 1 naming the problems.
"""
import glob
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402  (the numpy escape counts and job-file reader)


def expected_view(start, end, k, frames):
    """Frame k's edges, from the fixed point of the zoom on each axis."""
    t = k / (frames - 1)
    view = []
    for lo, hi in ((0, 1), (2, 3)):
        s = (end[hi] - end[lo]) / (start[hi] - start[lo])
        c0, c1 = (start[lo] + start[hi]) / 2, (end[lo] + end[hi]) / 2
        if abs(s - 1) < 1e-12:  # a pan: the centre moves in equal steps
            view += [start[lo] + (c1 - c0) * t, start[hi] + (c1 - c0) * t]
        else:
            p = (c1 - s * c0) / (1 - s)
            view += [p + (start[lo] - p) * s ** t, p + (start[hi] - p) * s ** t]
    return view


def main():
    job, prefix, frames = sys.argv[1], sys.argv[2], int(sys.argv[3])
    keys = reference.read_keys(job)
    params = reference.read_job(job)  # the start view and the first frame's size
    start = [params[e] for e in ("xleft", "xright", "ybot", "ytop")]
    end = [float(keys["end_" + e]) for e in ("xleft", "xright", "ybot", "ytop")]
    problems = []
    names = [f"{prefix}-{k:04d}.h5" for k in range(frames)]
    found = sorted(glob.glob(glob.escape(prefix) + "-*.h5"))
    if found != names:
        problems.append(f"frames found {found}, expected {names}")
    if names != sorted(names):
        problems.append("frame names do not sort in frame order")
    if "png" in keys:
        pngs = sorted(glob.glob(glob.escape(prefix) + "-*.png"))
        if pngs != [n[:-3] + ".png" for n in names]:
            problems.append(f"PNG frames found {pngs}")
    for k, name in enumerate(names):
        if not os.path.exists(name):
            continue
        with h5py.File(name, "r") as f:
            status = f.attrs["status"]
            got = [float(f.attrs[e]) for e in ("xleft", "xright", "ybot", "ytop")]
            shape = f["counts"].shape
        if status not in (b"complete", "complete"):
            problems.append(f"{name}: status {status!r}")
        if shape != (params["height"], params["resolution"]):
            problems.append(f"{name}: {shape} samples, not the first frame's "
                            f"{(params['height'], params['resolution'])}")
        want = expected_view(start, end, k, frames)
        for axis, (lo, hi) in (("x", (0, 1)), ("y", (2, 3))):
            extent = want[hi] - want[lo]
            # the view is exact to a few ulps of its coordinates
            tolerance = 1e-9 * extent + 64 * np.finfo(float).eps * (abs(want[lo]) + abs(want[hi]))
            if abs(got[lo] - want[lo]) > tolerance or abs(got[hi] - want[hi]) > tolerance:
                problems.append(f"{name}: {axis} edges {got[lo]!r}, {got[hi]!r}, expected {want[lo]!r}, {want[hi]!r}")
        frame = dict(params, xleft=got[0], xright=got[1], ybot=got[2], ytop=got[3])
        _, _, counts = reference.escape_counts(frame)
        with h5py.File(name, "r") as f:
            if not np.array_equal(f["counts"][...], counts):
                problems.append(f"{name}: counts differ from the numpy reference")
    return reference.report(problems, f"{frames} frames: names, views, sizes and counts as expected")


if __name__ == "__main__":
    sys.exit(main())
