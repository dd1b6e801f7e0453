#!/usr/bin/env python3
"""tests/check_h5.py - checks the documented HDF5 layout of a mpifractal output with h5py.

Usage: check_h5.py OUTPUT.h5 WIDTH HEIGHT FRACTAL RANKS
Prints one line per problem; exits 0 when there are none.
"""
import sys

import h5py
import numpy as np


def main():
    path, width, height, fractal, ranks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    problems = []

    def expect(cond, what):
        if not cond:
            problems.append(what)

    with h5py.File(path, "r") as f:
        c = f["counts"]
        expect(c.shape == (height, width), f"counts shape {c.shape}")
        itermax = int(f.attrs["itermax"])
        expect(c.dtype == (np.uint8 if itermax < 256 else np.uint16 if itermax < 65536 else np.uint32),
               f"counts dtype {c.dtype} for itermax {itermax}")
        level = int(f.attrs["compression_level"])
        if level:
            expect(c.compression == "gzip" and c.compression_opts == level and c.shuffle,
                   f"filters {c.compression} {c.compression_opts} shuffle={c.shuffle}, expected deflate {level} + shuffle")
        expect(c.chunks is not None, "counts is not chunked")
        expect(len(c.dims[0]) == 1 and c.dims[0][0].name == "/y", "dimension 0 has no y scale")
        expect(len(c.dims[1]) == 1 and c.dims[1][0].name == "/x", "dimension 1 has no x scale")
        expect(f["x"].shape == (width,) and f["y"].shape == (height,), "coordinate lengths")
        expect(f["y"][0] > f["y"][-1], "row 0 is not the top (ytop)")
        a = f.attrs
        for key in ("fractal", "xleft", "xright", "ybot", "ytop", "threshold", "itermin", "itermax",
                    "width", "height", "sampling", "software", "ranks", "wall_seconds", "status",
                    "total_iterations", "counts_dtype", "compression_level", "kernel", "threads_per_rank",
                    "Conventions", "title", "source", "history"):
            expect(key in a, f"attribute {key} missing")
        if problems:
            print("\n".join(problems))
            return 1
        expect(a["fractal"].decode() == fractal, f"fractal attribute {a['fractal']}")
        expect(a["status"].decode() == "complete", f"status {a['status']}")
        expect(int(a["width"]) == width and int(a["height"]) == height, "width/height attributes")
        expect(int(a["ranks"]) == ranks, f"ranks attribute {a['ranks']}")
        expect(a["wall_seconds"] > 0, "wall_seconds not positive")
        expect(int(a["total_iterations"]) == int(c[...].sum(dtype=np.uint64)), "total_iterations != sum of counts")
        expect(f["x"][0] == a["xleft"] and f["x"][-1] == a["xright"], "x does not span xleft..xright")
        expect(f["y"][0] == a["ytop"] and f["y"][-1] == a["ybot"], "y does not span ytop..ybot")
        if fractal == "julia":
            expect("c_real" in a and "c_imag" in a, "Julia constant missing")
    print("\n".join(problems) if problems else "layout as documented")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
