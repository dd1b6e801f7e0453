#!/usr/bin/env python3
"""tests/check_png.py - decodes a mpifractal PNG and checks every pixel against the HDF5 counts.

Usage: check_png.py IMAGE.png COUNTS.h5

Grey level = round(top * (max(n, itermin) - itermin) / (itermax - itermin)), top = 255 or 65535,
halves rounded up, computed here in integers. Exits 0 when every pixel matches.
"""
import sys

import h5py
import numpy as np
from PIL import Image


def main():
    png, h5path = sys.argv[1], sys.argv[2]
    image = Image.open(png)
    if image.mode == "L":
        top = 255
    elif image.mode.startswith("I"):  # Pillow's modes for 16-bit grayscale
        top = 65535
    else:
        print(f"mode {image.mode}, expected 8- or 16-bit grayscale")
        return 1
    pixels = np.asarray(image).astype(np.int64)
    with h5py.File(h5path, "r") as f:
        counts = f["counts"][...].astype(np.int64)
        itermin, itermax = int(f.attrs["itermin"]), int(f.attrs["itermax"])
    span = itermax - itermin
    expected = ((np.maximum(counts, itermin) - itermin) * top + span // 2) // span
    if pixels.shape != counts.shape:
        print(f"PNG is {pixels.shape}, counts are {counts.shape}")
        return 1
    bad = np.argwhere(pixels != expected)
    if len(bad):
        r, c = bad[0]
        print(f"{len(bad)} pixels differ, first at ({r}, {c}): {pixels[r, c]} != {expected[r, c]}")
        return 1
    print(f"all {pixels.size} pixels match; black {np.mean(pixels == 0):.1%}, white {np.mean(pixels == top):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
