#!/usr/bin/env python3
"""tests/channels_reference.py - an independent numpy reference for mpifractal's smooth and distance channels.

Usage: channels_reference.py OUTPUT.h5

With samples K > 1 in the file, smooth and distance are the means over each
pixel's K x K samples, as README documents.

Reads the render's parameters from the file's root attributes, recomputes
every sample's orbit with numpy float64 arrays (the same operations as the
documented escape count, plus the derivative: dz' = 2 z dz + 1 from 0 for the
Mandelbrot set, dz' = 2 z dz from 1 for a Julia set), follows escaped orbits
to the first m with |z(m)| > smooth_radius and computes
    smooth = m - log2(log2 |z(m)|),  distance = |z(m)| ln|z(m)| / |dz(m)|
then casts to float32 and compares with the file's counts, smooth and
distance datasets (NaN where a sample never escaped). Prints how many values
differ and by how many float32 units in the last place; exits 0 when every
value is identical.
"""
import sys

import h5py
import numpy as np


def grid(a):
    x = np.linspace(a["xleft"], a["xright"], int(a["width"]))
    y = np.linspace(a["ytop"], a["ybot"], int(a["height"]))
    return np.meshgrid(x, y)


def orbits(a, xs, ys):
    """Counts, smooth and distance (float64, NaN where never escaped) of the samples (xs, ys)."""
    mandelbrot = a["fractal"] in (b"mandelbrot", "mandelbrot")
    if mandelbrot:
        re, im, cre, cim = np.zeros_like(xs), np.zeros_like(xs), xs, ys
        dre, dim, add = np.zeros_like(xs), np.zeros_like(xs), 1.0
    else:
        re, im = xs.copy(), ys.copy()
        cre, cim = np.full_like(xs, a["c_real"]), np.full_like(xs, a["c_imag"])
        dre, dim, add = np.ones_like(xs), np.zeros_like(xs), 0.0
    itermax, escape2 = int(a["itermax"]), a["threshold"] ** 2
    radius2 = a.get("smooth_radius", 65536.0) ** 2  # absent without channels: only counts matter then
    counts = np.full(xs.shape, itermax, dtype=np.int64)
    escaped = np.zeros(xs.shape, dtype=bool)
    done = np.zeros(xs.shape, dtype=bool)
    final_m = np.zeros(xs.shape)
    final_mod2 = np.full(xs.shape, np.nan)
    final_dmod = np.full(xs.shape, np.nan)
    with np.errstate(all="ignore"):
        for k in range(itermax + 200):
            ndre = 2.0 * (re * dre - im * dim) + add
            ndim = 2.0 * (re * dim + im * dre)
            dre, dim = ndre, ndim
            re2, im2, reim = re * re, im * im, re * im
            re = (re2 - im2) + cre
            im = (reim + reim) + cim
            mod2 = re * re + im * im
            if k < itermax:
                new = ~escaped & (mod2 > escape2)
                counts[new] = k
                escaped |= new
            now = escaped & ~done & (mod2 > radius2)
            final_m[now] = k + 1
            final_mod2[now] = mod2[now]
            final_dmod[now] = np.sqrt(dre[now] * dre[now] + dim[now] * dim[now])
            done |= now
            if k >= itermax and done.sum() == escaped.sum():
                break
        smooth = final_m - np.log2(0.5 * np.log2(final_mod2))
        modulus = np.sqrt(final_mod2)
        distance = modulus * np.log(modulus) / final_dmod
        distance[done & ~np.isfinite(final_dmod)] = 0.0
    smooth[~done] = np.nan
    distance[~done] = np.nan
    return counts, smooth, distance


def reference(a):
    """The file's three datasets as documented: with samples K > 1, counts at
    the grid points and smooth/distance the means over the K x K samples of
    each pixel that are not NaN (each rounded to float32, then summed in
    double in the program's order)."""
    xs, ys = grid(a)
    counts, smooth, distance = orbits(a, xs, ys)
    k = int(a.get("samples", 1))
    if k > 1:
        dx = (a["xright"] - a["xleft"]) / (int(a["width"]) - 1)
        dy = (a["ytop"] - a["ybot"]) / (int(a["height"]) - 1)
        sums = [np.zeros(xs.shape), np.zeros(xs.shape)]
        ns = [np.zeros(xs.shape, dtype=np.int64), np.zeros(xs.shape, dtype=np.int64)]
        for b in range(k):
            for i in range(k):
                _, s, d = orbits(a, xs + ((i + 0.5) / k - 0.5) * dx, ys + ((b + 0.5) / k - 0.5) * dy)
                for c, v in enumerate((s, d)):
                    v = v.astype(np.float32).astype(np.float64)  # each sample's value as stored alone
                    ok = ~np.isnan(v)
                    sums[c][ok] += v[ok]
                    ns[c] += ok
        with np.errstate(invalid="ignore"):
            smooth, distance = (np.where(ns[c] > 0, sums[c] / ns[c], np.nan) for c in range(2))
    return counts, smooth.astype(np.float32), distance.astype(np.float32)


def ulps(a, b):
    """Distance in float32 units in the last place (NaN == NaN)."""
    ia = a.view(np.int32).astype(np.int64)
    ib = b.view(np.int32).astype(np.int64)
    ia = np.where(ia < 0, -(ia & 0x7FFFFFFF), ia)
    ib = np.where(ib < 0, -(ib & 0x7FFFFFFF), ib)
    d = np.abs(ia - ib)
    d[np.isnan(a) & np.isnan(b)] = 0
    d[np.isnan(a) ^ np.isnan(b)] = 1 << 40
    return d


def main():
    with h5py.File(sys.argv[1], "r") as f:
        a = dict(f.attrs)
        counts, smooth, distance = reference(a)
        failed = False
        if not np.array_equal(f["counts"][...], counts):
            print("counts differ from the reference")
            failed = True
        for name, want in (("smooth", smooth), ("distance", distance)):
            if name not in f:
                continue
            got = f[name][...]
            d = ulps(got, want)
            bad = int((d > 0).sum())
            print(f"{name}: {bad} of {d.size} values differ, largest difference {int(d.max())} ulp; "
                  f"{int(np.isnan(want).sum())} NaN")
            failed |= bad > 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
