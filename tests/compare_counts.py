#!/usr/bin/env python3
"""compare_counts.py - how many escape counts of a render equal a reference's: a bound for approximate engines.

Usage: compare_counts.py RENDER.h5 REFERENCE [--stride S] [--width W --height H] [--min-equal F]
REFERENCE is another HDF5 output, or raw little-endian uint32 counts (row 0
first) as tests/mpfr_reference writes them, for every S-th column and row of
the render (--stride S). Prints the samples compared, how many are equal, and
up to 10 differing samples (row, column, count, reference); exits 1 when the
equal fraction is below --min-equal (default 0.999).
"""
import argparse
import sys

import h5py
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("render")
    ap.add_argument("reference")
    ap.add_argument("--stride", type=int, default=1)
    ap.add_argument("--min-equal", type=float, default=0.999)
    args = ap.parse_args()
    with h5py.File(args.render, "r") as f:
        counts = f["counts"][...].astype(np.int64)
    sub = counts[:: args.stride, :: args.stride]
    if args.reference.endswith(".h5"):
        with h5py.File(args.reference, "r") as f:
            ref = f["counts"][...].astype(np.int64)[:: args.stride, :: args.stride]
    else:
        ref = np.fromfile(args.reference, dtype="<u4").astype(np.int64)
        if ref.size != sub.size:
            print(f"reference holds {ref.size} counts, the render's sub-grid {sub.shape} needs {sub.size}")
            return 1
        ref = ref.reshape(sub.shape)
    if ref.shape != sub.shape:
        print(f"shapes differ: {sub.shape} and {ref.shape}")
        return 1
    equal = int((sub == ref).sum())
    total = sub.size
    fraction = equal / total
    distinct = len(np.unique(sub))
    print(f"{equal} of {total} counts equal ({100 * fraction:.3f}%), {distinct} distinct counts in the render")
    for j, i in list(zip(*np.nonzero(sub != ref)))[:10]:
        print(f"  row {j * args.stride}, column {i * args.stride}: {sub[j, i]} (reference {ref[j, i]})")
    if distinct < 2:
        print("the view shows a single count: a comparison of it proves little")
        return 1
    return 0 if fraction >= args.min_equal else 1


if __name__ == "__main__":
    sys.exit(main())
