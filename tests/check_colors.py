#!/usr/bin/env python3
"""tests/check_colors.py - checks a mpifractal PNG's colours against the HDF5 data, with matplotlib's viridis.

Usage: check_colors.py IMAGE.png OUTPUT.h5 COLORMAP COLOR_BY [CYCLE] [--equalize]
       check_colors.py --table src/colormap_viridis.h

Decodes the PNG itself (zlib and the five PNG filters), recomputes every
pixel's colour from the counts or smooth values in the HDF5 file as README
documents it, with the viridis entries taken from matplotlib.cm.viridis, and
compares: exactly, or within 1 level for the cyclic map (numpy's cos may
round differently from the C library's). With samples K > 1 in the file, the
expected colour is the rounded mean of the colours of each pixel's K x K
samples, recomputed with tests/channels_reference.py. With --table,
checks that the C table holds matplotlib's 256 entries. Exits 0 when all match.
"""
import os
import re
import struct
import sys
import zlib

import h5py
import numpy as np
from matplotlib import cm

VIRIDIS = np.array(cm.get_cmap("viridis").colors, dtype=np.float64)


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type = header[:4]
    components = {0: 1, 2: 3}[colour_type]
    bpp = components * depth // 8
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, previous = [], bytearray(stride)
    for r in range(height):
        line = raw[r * (stride + 1):(r + 1) * (stride + 1)]
        kind, cur = line[0], bytearray(line[1:])
        for i in range(stride):
            a = cur[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                cur[i] = (cur[i] + a) & 255
            elif kind == 2:
                cur[i] = (cur[i] + b) & 255
            elif kind == 3:
                cur[i] = (cur[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(cur))
        previous = cur
    buf = np.frombuffer(b"".join(rows), dtype=">u2" if depth == 16 else np.uint8)
    return buf.reshape(height, width, components).astype(np.int64), (1 << depth) - 1


def levels(x, top):
    return np.clip(np.floor(x * top + 0.5), 0, top).astype(np.int64)


def colour(kind, t, top):
    if kind == "cyclic":
        u = t - np.floor(t)
        return np.stack([levels(0.5 + 0.5 * np.cos(6.283185307179586 * (u + d)), top)
                         for d in (0.0, 1.0 / 3.0, 2.0 / 3.0)], axis=-1)
    t = np.nan_to_num(np.clip(t, 0.0, 1.0))
    if kind == "gray":
        return levels(t, top)[..., None]
    u = t * 255.0
    i = np.minimum(u.astype(np.int64), 254)
    f = u - i
    return np.stack([levels(VIRIDIS[i, k] + f * (VIRIDIS[i + 1, k] - VIRIDIS[i, k]), top) for k in range(3)], axis=-1)


def equalized(values, escaped, by_smooth, itermin, itermax):
    if not by_smooth:
        hist = np.bincount(values[escaped].astype(np.int64), minlength=itermax)[:itermax]
        cdf = np.cumsum(hist) / max(hist.sum(), 1)
        return cdf[np.minimum(values.astype(np.int64), itermax - 1)]
    span = itermax - itermin + 4.0
    bins = min(int(span * 16), 65536)
    low, width = itermin - 2.0, span / bins
    u = (values - low) / width
    b = np.clip(np.floor(np.nan_to_num(u)), 0, bins - 1).astype(np.int64)
    hist = np.bincount(b[escaped], minlength=bins)
    cdf = np.cumsum(hist) / max(hist.sum(), 1)
    below = np.where(b > 0, cdf[np.maximum(b - 1, 0)], 0.0)
    t = below + (u - b) * (cdf[b] - below)
    t = np.where(u > 0, t, cdf[0])
    return np.where(u >= bins, 1.0, t)


def expected_colours(kind, color_by, counts, smooth, itermin, itermax, cycle, top, equalize):
    values = smooth if color_by == "smooth" else counts.astype(np.float64)
    interior = (counts >= itermax) | np.isnan(values)
    with np.errstate(invalid="ignore"):
        if equalize:
            t = equalized(values, ~interior, color_by == "smooth", itermin, itermax)
        elif kind == "cyclic":
            t = np.maximum(values - itermin, 0.0) / cycle
        else:
            t = (values - itermin) / (itermax - itermin)
        expected = colour(kind, t, top)
    if kind == "gray" and color_by == "counts" and not equalize:
        span = itermax - itermin
        expected = (((np.maximum(counts, itermin) - itermin) * top + span // 2) // span)[..., None]
    expected[interior] = top if kind == "gray" else 0
    return expected


def main():
    if sys.argv[1] == "--table":
        text = open(sys.argv[2]).read()
        rows = re.findall(r"\{([0-9.]+), ([0-9.]+), ([0-9.]+)\}", text)
        table = np.array([[float(v) for v in row] for row in rows])
        same = table.shape == VIRIDIS.shape and np.array_equal(table, VIRIDIS)
        print(f"{len(rows)} entries, {'equal to' if same else 'DIFFERENT from'} matplotlib.cm.viridis")
        return 0 if same else 1
    png, h5path, kind, color_by = sys.argv[1:5]
    cycle = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[5].isdigit() else 32
    equalize = "--equalize" in sys.argv
    tolerance = 1 if kind == "cyclic" else 0
    pixels, top = read_png(png)
    with h5py.File(h5path, "r") as f:
        counts = f["counts"][...].astype(np.int64)
        smooth = f["smooth"][...].astype(np.float64) if color_by == "smooth" else None
        itermin, itermax = int(f.attrs["itermin"]), int(f.attrs["itermax"])
        attrs = dict(f.attrs)
    k = int(attrs.get("samples", 1))
    if k == 1:
        expected = expected_colours(kind, color_by, counts, smooth, itermin, itermax, cycle, top, equalize)
    else:  # the rounded mean of the colours of each pixel's k x k samples, recomputed with numpy
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from channels_reference import grid, orbits
        xs, ys = grid(attrs)
        dx = (attrs["xright"] - attrs["xleft"]) / (int(attrs["width"]) - 1)
        dy = (attrs["ytop"] - attrs["ybot"]) / (int(attrs["height"]) - 1)
        total = 0
        for b in range(k):
            for i in range(k):
                c, s, _ = orbits(attrs, xs + ((i + 0.5) / k - 0.5) * dx, ys + ((b + 0.5) / k - 0.5) * dy)
                s = s.astype(np.float32).astype(np.float64)
                total = total + expected_colours(kind, color_by, c, s, itermin, itermax, cycle, top, False)
        expected = (total + k * k // 2) // (k * k)
    if pixels.shape != expected.shape:
        print(f"PNG is {pixels.shape}, expected {expected.shape}")
        return 1
    diff = np.abs(pixels - expected).max(axis=-1)
    bad = np.argwhere(diff > tolerance)
    if len(bad):
        r, c = bad[0]
        print(f"{len(bad)} pixels differ, first at ({r}, {c}): {pixels[r, c]} != {expected[r, c]}")
        return 1
    print(f"all {diff.size} pixels match ({int((diff > 0).sum())} within {tolerance} level)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
