#!/usr/bin/env python3
"""tests/check_xarray.py - checks that xarray reads a mpifractal HDF5 output as netCDF-4 with both engines.

Usage: check_xarray.py OUTPUT.h5 FRACTAL XLEFT XRIGHT YBOT YTOP WIDTH HEIGHT STATUS
The grid is what the renderer promises for those options, built here with
numpy.linspace; the counts are compared with h5py's read of the same file.
Prints one line per problem; exits 0 when there are none.
"""
import sys

import h5py
import numpy as np
import xarray as xr

ENGINES = ("h5netcdf", "netcdf4")


def expect_text(problems, where, attrs, name, want):
    """The attribute is a str (not bytes) equal to want, or (want None) any str."""
    got = attrs.get(name)
    if not isinstance(got, str):
        problems.append(f"{where}: attribute {name} is {type(got).__name__} {got!r}, not str")
    elif want is not None and got != want:
        problems.append(f"{where}: attribute {name} = {got!r}, expected {want!r}")


def check_engine(engine, path, fractal, x_want, y_want, counts_want, status):
    problems = []
    part = "z(0)" if fractal == "julia" else "c"
    with xr.open_dataset(path, engine=engine) as ds:
        where = f"{engine}"
        if set(ds.data_vars) != {"counts"}:
            problems.append(f"{where}: data variables {sorted(ds.data_vars)}, expected counts only")
            return problems
        counts = ds["counts"]
        if counts.dims != ("y", "x"):
            problems.append(f"{where}: counts dims {counts.dims}, expected ('y', 'x')")
        if set(ds.indexes) != {"x", "y"}:
            problems.append(f"{where}: index coordinates {sorted(ds.indexes)}, expected x and y")
        x, y = ds["x"].values, ds["y"].values
        if x.dtype != np.float64 or not np.array_equal(x, x_want):
            problems.append(f"{where}: x differs from numpy.linspace (first {x[:3]})")
        if y.dtype != np.float64 or not np.array_equal(y, y_want):
            problems.append(f"{where}: y differs from numpy.linspace (first {y[:3]})")
        values = counts.values
        if values.dtype != counts_want.dtype or not np.array_equal(values, counts_want):
            problems.append(f"{where}: counts ({values.dtype}) differ from h5py's read ({counts_want.dtype})")
        expect_text(problems, f"{where} counts", counts.attrs, "long_name", "escape-time iteration count")
        expect_text(problems, f"{where} counts", counts.attrs, "units", "1")
        if "_FillValue" in counts.encoding or "_FillValue" in counts.attrs:
            problems.append(f"{where}: counts has a _FillValue, yet every value is a count")
        expect_text(problems, f"{where} x", ds["x"].attrs, "long_name", f"real part of {part}")
        expect_text(problems, f"{where} x", ds["x"].attrs, "axis", "X")
        expect_text(problems, f"{where} y", ds["y"].attrs, "long_name", f"imaginary part of {part}")
        expect_text(problems, f"{where} y", ds["y"].attrs, "axis", "Y")
        expect_text(problems, f"{where} global", ds.attrs, "Conventions", "CF-1.9")
        expect_text(problems, f"{where} global", ds.attrs, "title",
                    ("Julia" if fractal == "julia" else "Mandelbrot") + " set: escape-time iteration counts")
        expect_text(problems, f"{where} global", ds.attrs, "source", None)
        expect_text(problems, f"{where} global", ds.attrs, "history", None)
        expect_text(problems, f"{where} global", ds.attrs, "fractal", fractal)
        expect_text(problems, f"{where} global", ds.attrs, "status", status)
    return problems


def main():
    path, fractal = sys.argv[1], sys.argv[2]
    xleft, xright, ybot, ytop = (float(v) for v in sys.argv[3:7])
    width, height, status = int(sys.argv[7]), int(sys.argv[8]), sys.argv[9]
    x_want = np.linspace(xleft, xright, width)
    y_want = np.linspace(ytop, ybot, height)
    with h5py.File(path, "r") as f:
        counts_want = f["counts"][...]
    problems = []
    for engine in ENGINES:
        try:
            problems += check_engine(engine, path, fractal, x_want, y_want, counts_want, status)
        except Exception as e:  # an engine that cannot open the file is the finding
            problems.append(f"{engine}: cannot read {path}: {e!r}")
    print("\n".join(problems) if problems else f"xarray reads {path} with {' and '.join(ENGINES)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
