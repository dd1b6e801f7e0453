#!/usr/bin/python3
"""examples/mandelbrot_area.py - the area of the Mandelbrot set and a histogram of escape counts, from an mpifractal HDF5 file.

Reads the counts a slice of rows at a time (never the whole image, so it works
on files larger than memory) with h5py and numpy, and prints:
  - the area estimate: the number of samples that never escaped
    (count == itermax) times the area of one sample's cell;
  - a histogram of the counts (optionally as CSV, and as a PNG plot).

Pixel area: the samples sit on numpy.linspace grids that include both edges,
x = linspace(xleft, xright, width), so neighbouring samples are
dx = (xright - xleft) / (width - 1) apart, and likewise dy with height - 1.
Each sample stands for the dx-by-dy cell centred on it (the midpoint rule), so
the estimate is inside * dx * dy. The cells of the edge samples reach half a
cell beyond the view; that does not matter as long as the set lies inside the
view, as it does in the full view [-2.5, 1] x [-1.25, 1.25].

The estimate is biased upwards by samples that escape only after itermax
iterations (they count as inside), and its noise is that of the boundary
cells: raise both width and itermax to approach the accepted 1.5066.
For a Julia file the same number is the area of the filled Julia set in view.

Usage:
  examples/mandelbrot_area.py FILE.h5 [--rows N] [--plot hist.png] [--csv hist.csv] [--max-bins N]
Exit status: 0, 1 if the file cannot be analysed (e.g. an incomplete render).
"""
import argparse
import sys

import h5py
import numpy as np


def text(value):
    """An HDF5 string attribute as str (h5py gives fixed-length strings as bytes)."""
    return value.decode() if isinstance(value, bytes) else str(value)


def cell_area(x, y):
    """Area of one sample's cell: the spacing of the linspace coordinates x and y (h5py datasets)."""
    if x.shape[0] < 2 or y.shape[0] < 2:
        raise ValueError("the image needs at least 2 samples each way to have a spacing")
    dx = abs(float(x[-1]) - float(x[0])) / (x.shape[0] - 1)
    dy = abs(float(y[-1]) - float(y[0])) / (y.shape[0] - 1)
    return dx * dy


def analyse(path, rows_per_slice=256, max_bins=65536):
    """Reads FILE's counts rows_per_slice rows at a time.

    Returns a dict: itermax, width, height, inside (samples with count == itermax),
    cell_area, area, bin_width and histogram (numpy array; bin k holds the
    samples with bin_width * k <= count < bin_width * (k + 1)).
    Raises ValueError when the file is not a complete mpifractal render.
    """
    with h5py.File(path, "r") as f:
        status = text(f.attrs.get("status", b"missing"))
        if status != "complete":
            rows = int(f.attrs.get("rows_complete", 0))
            raise ValueError(f"{path}: status is '{status}' (rows_complete = {rows} of "
                             f"{f['counts'].shape[0]}): finish the render with --resume first")
        counts = f["counts"]
        itermax = int(f.attrs["itermax"])
        height, width = counts.shape
        bin_width = -(-(itermax + 1) // max_bins)  # ceil: at most max_bins bins
        bins = itermax // bin_width + 1
        histogram = np.zeros(bins, dtype=np.int64)
        inside = 0
        for first in range(0, height, rows_per_slice):
            block = counts[first:first + rows_per_slice, :]  # reads only these rows
            inside += int(np.count_nonzero(block == itermax))
            histogram += np.bincount((block // bin_width).ravel(), minlength=bins)[:bins]
        area_of_cell = cell_area(f["x"], f["y"])
    return {"itermax": itermax, "width": width, "height": height, "inside": inside,
            "cell_area": area_of_cell, "area": inside * area_of_cell,
            "bin_width": bin_width, "histogram": histogram}


def plot(result, png_path):
    """Writes the histogram as a PNG (log scale of samples against escape count)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    h, w = result["histogram"], result["bin_width"]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    ax.stairs(h, np.arange(len(h) + 1) * w, fill=True)
    ax.set_yscale("log")
    ax.set_xlabel("escape count" + (f" (bins of {w})" if w > 1 else ""))
    ax.set_ylabel("samples")
    ax.set_title(f"{result['width']} x {result['height']} samples, itermax {result['itermax']}: "
                 f"{result['inside']} never escape, area {result['area']:.5f}")
    fig.tight_layout()
    fig.savefig(png_path)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0].split(" - ")[1])
    parser.add_argument("file", help="an mpifractal HDF5 output")
    parser.add_argument("--rows", type=int, default=256, help="rows read at a time [256]")
    parser.add_argument("--plot", metavar="PNG", help="write the histogram plot to this PNG file")
    parser.add_argument("--csv", metavar="FILE", help="write the histogram as CSV: first_count,last_count,samples")
    parser.add_argument("--max-bins", type=int, default=65536,
                        help="histogram bins at most; counts share bins beyond that [65536]")
    args = parser.parse_args()
    if args.rows < 1 or args.max_bins < 1:
        parser.error("--rows and --max-bins must be positive")
    try:
        r = analyse(args.file, args.rows, args.max_bins)
    except (OSError, KeyError, ValueError) as e:
        print(f"mandelbrot_area: error: {e}", file=sys.stderr)
        return 1
    print(f"samples:        {r['width']} x {r['height']} = {r['width'] * r['height']}")
    print(f"never escaped:  {r['inside']} (count == itermax = {r['itermax']})")
    print(f"cell area:      {r['cell_area']:.6e}")
    print(f"area estimate:  {r['area']:.6f}")
    if args.csv:
        w = r["bin_width"]
        with open(args.csv, "w") as out:
            out.write("first_count,last_count,samples\n")
            for k, n in enumerate(r["histogram"]):
                out.write(f"{k * w},{min((k + 1) * w - 1, r['itermax'])},{n}\n")
    if args.plot:
        plot(r, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
