#!/usr/bin/env python3
"""tests/check_area.py - checks the output of examples/mandelbrot_area.py against an independent reading of the file.

Usage: check_area.py OUTPUT.h5 REPORT.txt HISTOGRAM.csv XLEFT XRIGHT YBOT YTOP TOLERANCE
REPORT.txt is what the example printed, HISTOGRAM.csv what it wrote with --csv.
The reference reads the whole (small) counts dataset at once with h5py and
takes the cell area from the options: (xright - xleft) / (width - 1) times
(ytop - ybot) / (height - 1). The area must lie within TOLERANCE (relative)
of the accepted 1.5066.
Prints one line per problem; exits 0 when there are none.
"""
import csv
import re
import sys

import h5py
import numpy as np

ACCEPTED_AREA = 1.5066  # the Mandelbrot set's area, as estimated in the literature (1.50659...)


def main():
    path, report_path, csv_path = sys.argv[1:4]
    xleft, xright, ybot, ytop, tolerance = (float(v) for v in sys.argv[4:9])
    problems = []
    with h5py.File(path, "r") as f:
        counts = f["counts"][...]
        itermax = int(f.attrs["itermax"])
    height, width = counts.shape
    inside = int(np.count_nonzero(counts == itermax))
    cell = (xright - xleft) / (width - 1) * (ytop - ybot) / (height - 1)

    report = open(report_path).read()
    printed = dict(re.findall(r"^([a-z ]+):\s+(\S+)", report, re.M))
    if int(printed.get("never escaped", -1)) != inside:
        problems.append(f"never escaped: printed {printed.get('never escaped')}, counted {inside}")
    area = float(printed.get("area estimate", "nan"))
    if not abs(area - inside * cell) <= 1e-6 * inside * cell:
        problems.append(f"area {area} is not inside * cell area = {inside * cell}")
    if not abs(area - ACCEPTED_AREA) <= tolerance * ACCEPTED_AREA:
        problems.append(f"area {area} is not within {tolerance:.1%} of {ACCEPTED_AREA}")

    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    samples = np.array([int(r["samples"]) for r in rows])
    if samples.sum() != width * height:
        problems.append(f"histogram sums to {samples.sum()}, not {width} x {height}")
    firsts = [int(r["first_count"]) for r in rows]
    lasts = [int(r["last_count"]) for r in rows]
    if firsts != list(range(itermax + 1)) or lasts != firsts:
        problems.append("histogram bins are not one per count 0..itermax")
    elif not np.array_equal(samples, np.bincount(counts.ravel(), minlength=itermax + 1)):
        problems.append("histogram differs from numpy.bincount of the whole dataset")
    print("\n".join(problems) if problems else f"area {area:.6f} from {inside} samples of {cell:.4e}, histogram exact")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
