#!/usr/bin/env python3
"""tests/check_mpfr_reference.py - compares tests/mpfr_reference's counts with the numpy reference (tests/reference.py) at a shallow view.

Usage: check_mpfr_reference.py COUNTS.u32 FRACTAL CENTER_RE CENTER_IM ZOOM WIDTH HEIGHT ITERMAX THRESHOLD REAL IMAG [MIN_AGREEMENT]

COUNTS.u32 holds mpfr_reference's raw little-endian uint32 counts of the view
(the deep view convention: spacing d = 4 / (zoom (height - 1)), row 0 at the
top). The numpy reference computes the same samples in double precision from
the view's edges (numpy.linspace between the outermost samples). Exits 0 when
at least MIN_AGREEMENT (default 0.999) of the counts are equal, 1 otherwise;
prints the agreement either way.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import escape_counts  # noqa: E402  (the existing double-precision reference)


def main():
    path, fractal, cre, cim, zoom, width, height, itermax, threshold, real, imag = sys.argv[1:12]
    min_agreement = float(sys.argv[12]) if len(sys.argv) > 12 else 0.999
    width, height, itermax = int(width), int(height), int(itermax)
    cre, cim, zoom = float(cre), float(cim), float(zoom)
    d = 4.0 / (zoom * (height - 1))
    half_w, half_h = (width - 1) / 2 * d, (height - 1) / 2 * d
    p = dict(fractal=fractal, xleft=cre - half_w, xright=cre + half_w, ytop=cim + half_h, ybot=cim - half_h,
             resolution=width, height=height, itermax=itermax, threshold=float(threshold),
             real=float(real), imag=float(imag))
    _, _, expected = escape_counts(p)
    got = np.fromfile(path, dtype="<u4")
    if got.size != expected.size:
        print(f"{got.size} counts, the view has {expected.size}")
        return 1
    got = got.reshape(expected.shape)
    agreement = np.count_nonzero(got == expected) / expected.size
    differ = np.argwhere(got != expected)
    detail = ""
    if len(differ):
        r, c = differ[0]
        detail = f"; first difference at (row, col) ({r}, {c}): {got[r, c]} != numpy {expected[r, c]}"
    distinct = len(np.unique(expected))
    print(f"{agreement:.5f} of {expected.size} counts equal the numpy reference ({distinct} distinct counts){detail}")
    return 0 if agreement >= min_agreement and distinct > 1 else 1


if __name__ == "__main__":
    sys.exit(main())
