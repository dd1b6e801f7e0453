#!/usr/bin/env python3
"""tests/check_rows.py - checks chosen rows of a large render's HDF5 and PNG against a numpy recomputation.

Usage: check_rows.py JOBFILE OUTPUT.h5 IMAGE.png ROW,ROW,...

For images too large to load whole: the HDF5 rows are read as slices, the
PNG is inflated as a stream (zlib.decompressobj over its IDAT chunks) keeping
only the wanted scanlines, and both are compared with the counts that
tests/reference.py computes for those rows alone. Exits 0 when all match.
"""
import struct
import sys
import zlib

import h5py
import numpy as np

import reference


def png_rows(path, wanted):
    """Yields (row, samples) for the wanted rows of an 8- or 16-bit grayscale PNG
    whose scanlines use filter type 0 (as mpifractal writes them)."""
    wanted = set(wanted)
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", "not a PNG"
        inflate = zlib.decompressobj()
        width = depth = None
        pending = b""
        row = 0
        while True:
            length, kind = struct.unpack(">I4s", f.read(8))
            data = f.read(length)
            f.read(4)  # CRC, checked by zlib's and pngcheck's own tests
            if kind == b"IHDR":
                width, height, depth, color = struct.unpack(">IIBB", data[:10])
                assert color == 0, "not grayscale"
                line = 1 + width * depth // 8
            elif kind == b"IDAT":
                pending += inflate.decompress(data)
                whole = len(pending) // line
                for k in range(whole):
                    if row + k in wanted:
                        scanline = pending[k * line:(k + 1) * line]
                        assert scanline[0] == 0, f"row {row + k} uses filter {scanline[0]}"
                        dtype = ">u2" if depth == 16 else "u1"
                        yield row + k, np.frombuffer(scanline[1:], dtype=dtype).astype(np.int64), depth
                row += whole
                pending = pending[whole * line:]
            elif kind == b"IEND":
                return


def main():
    job, h5path, pngpath, rows = sys.argv[1], sys.argv[2], sys.argv[3], sorted(int(r) for r in sys.argv[4].split(","))
    p = reference.read_job(job)
    _, _, expected = reference.escape_counts(p, rows)
    problems = []
    with h5py.File(h5path, "r") as f:
        for k, r in enumerate(rows):
            got = f["counts"][r, :]
            if not np.array_equal(got, expected[k]):
                problems.append(f"HDF5 row {r}: {int(np.sum(got != expected[k]))} counts differ")
    itermin, itermax = p.get("itermin", 20), p["itermax"]
    span = itermax - itermin
    seen = 0
    for r, samples, depth in png_rows(pngpath, rows):
        top = 65535 if depth == 16 else 255
        grey = ((np.maximum(expected[rows.index(r)].astype(np.int64), itermin) - itermin) * top + span // 2) // span
        seen += 1
        if not np.array_equal(samples, grey):
            problems.append(f"PNG row {r}: {int(np.sum(samples != grey))} pixels differ")
    if seen != len(rows):
        problems.append(f"PNG: found {seen} of {len(rows)} rows")
    print("\n".join(problems) if problems else f"rows {rows}: HDF5 and PNG match the recomputation")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
