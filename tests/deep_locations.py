#!/usr/bin/env python3
"""tests/deep_locations.py - finds the deep zoom test locations (minibrot nuclei, Misiurewicz points, points of Julia sets) with mpmath.

Usage: deep_locations.py [--write FILE] [--verify MPFR_REFERENCE] [--only NAME,...]

  --write FILE      writes the table (tests/deep-locations.txt) to FILE
  --verify PROGRAM  renders each location's 96 x 64 view (every 4th sample,
                    every 2nd for the shallow ones) with PROGRAM (tests/mpfr_reference)
                    and prints the count histogram; fails when a view is one
                    count only or has more than 0.5% of samples whose count MPFR
                    could not certify
  --only NAMES      only these locations (comma separated)

Everything is deterministic: the same mpmath gives the same digits. The methods
(all for z -> z^2 + c):
  - Misiurewicz point M of preperiod k and period p: Newton on
    f^{k+p}(0) - f^k(0) = 0 divided by the same for preperiods 0..k-1 (so that
    Newton does not settle on a point of lower preperiod, such as c = 0),
    from a rough guess; its multiplier lambda = prod_{j=k}^{k+p-1} 2 z_j says
    how fast orbits leave it (iterations ~ ln(zoom) / ln|lambda|^(1/p)).
  - Minibrot near M: the set is asymptotically self-similar at M, with
    minibrots at every depth; the lowest period p whose orbit's linear image
    of the disc |c - M| < r contains 0 (|z_p| < r |dz_p/dc|, the "ball period")
    is the period of a minibrot within about r of M, of size about r^2.
    Newton on f_c^p(0) = 0 (dz_{k+1} = 2 z_k dz_k + 1) from M + r/2 converges
    to its nucleus; its size is 1 / (b l^2) with z = 0, l = 1, b = 1 and, for
    j = 1..p-1, z = z^2 + c, l = 2 z l, b += 1/l. The view's zoom is
    1 / |size|: the minibrot's body (about 2.5 sizes long, its nucleus 0.25
    sizes from its cusp) fills half the height.
  - Julia set point: a preimage f^-n(alpha) of the repelling fixed point
    alpha = (1 - sqrt(1 - 4c)) / 2 (a point of the Julia set, and so are all its
    preimages), by backward iteration z <- +-sqrt(z - c) with branches from a
    seeded generator, until |(f^n)'| at the point is 0.02 x zoom: f^n then
    maps the view conformally onto a disc of radius ~0.04 around alpha, whose
    spiral of the Julia set fills the view.
"""
import argparse
import math
import random
import subprocess
import sys

import mpmath
from mpmath import mp, mpc, mpf

HEADER = """\
# tests/deep-locations.txt - deep zoom test locations, found and checked by tests/deep_locations.py.
# Regenerate: /usr/bin/python3 tests/deep_locations.py --write tests/deep-locations.txt
# Check:      /usr/bin/python3 tests/deep_locations.py --verify tests/mpfr_reference
# One location a line, fields separated by one space:
#   name fractal julia_re julia_im zoom itermax center_re center_im
# (julia_re julia_im: the Julia constant, 0 0 for the Mandelbrot set). The view
# convention is the renderer's: half the image height is 2 / zoom. The centres
# carry log10(zoom) + 40 digits, enough for 1080-row frames with margin. The
# "# how:" line above each location says how it was found; "-bench" locations
# are the same views with a larger itermax for 1920 x 1080 benchmark frames.
# Outside a minibrot of period p framed at zoom 1 / size, counts start near
# 11 p (the orbit needs ~11 renormalised steps to leave), so the 1e1000 minibrot
# (p = 859) needs itermax 15000; misiurewicz-1e1000 (counts 1709..1734) and
# misiurewicz-i-1e1000 (2657..2685) are the 1e1000 views with itermax 3000.
# tests/mpfr_reference on one core, whole 96 x 64 views: misiurewicz-1e1000
# 15 s, misiurewicz-i-1e1000 42 s, mandelbrot-1e1000 187 s (--stride 4: 1/16).
"""


def orbit(c, n, z=0):
    """z_0 = z, z_1, ..., z_n under z -> z^2 + c."""
    zs = [mpc(z)]
    for _ in range(n):
        zs.append(zs[-1] * zs[-1] + c)
    return zs


def misiurewicz_point(guess, preperiod, period):
    """The Misiurewicz point of this preperiod and period nearest (for Newton) the guess."""
    c = mpc(guess)
    for _ in range(400):
        z, dz, zs, dzs = mpc(0), mpc(0), [mpc(0)], [mpc(0)]
        for _ in range(preperiod + period):
            dz = 2 * z * dz + 1
            z = z * z + c
            zs.append(z)
            dzs.append(dz)
        try:
            # (log h)' for h = g_k / prod_{j<k} g_j, g_j = f^{j+p}(0) - f^j(0)
            ratio = sum(((dzs[j + period] - dzs[j]) / (zs[j + period] - zs[j]) for j in range(preperiod)),
                        mpc(0))
            step = 1 / ((dzs[preperiod + period] - dzs[preperiod]) / (zs[preperiod + period] - zs[preperiod])
                        - ratio)
        except ZeroDivisionError:  # exactly on the point
            return c
        c -= step
        if abs(step) < mpf(2) ** (20 - mp.prec):
            return c
    raise RuntimeError(f"Misiurewicz Newton from {guess} did not converge")


def misiurewicz_multiplier(c, preperiod, period):
    zs = orbit(c, preperiod + period)
    assert abs(zs[preperiod + period] - zs[preperiod]) < mpf(2) ** (40 - mp.prec), "not preperiodic"
    assert abs(zs[preperiod + period - 1] - zs[preperiod - 1]) > 1e-6, "a lower preperiod"
    lam = mpc(1)
    for j in range(preperiod, preperiod + period):
        lam *= 2 * zs[j]
    assert abs(lam) > 1, "not repelling"
    return lam


def ball_period(c, radius, most):
    """The lowest p <= most with |z_p| < radius |dz_p/dc| at c, or None."""
    z, dz = mpc(0), mpc(0)
    for p in range(1, most + 1):
        dz = 2 * z * dz + 1
        z = z * z + c
        if abs(z) < radius * abs(dz):
            return p
    return None


def nucleus(guess, period):
    """Newton on f_c^period(0) = 0 from the guess."""
    c = mpc(guess)
    for _ in range(400):
        z, dz = mpc(0), mpc(0)
        for _ in range(period):
            dz = 2 * z * dz + 1
            z = z * z + c
        step = z / dz
        c -= step
        if abs(step) < mpf(2) ** (20 - mp.prec):
            return c
    raise RuntimeError(f"nucleus Newton (period {period}) did not converge")


def exact_period(c, period):
    """The least q dividing period with |f^q(0)| tiny (a nucleus of period q)."""
    zs = orbit(c, period)
    for q in range(1, period + 1):
        if period % q == 0 and abs(zs[q]) < mpf(2) ** (40 - mp.prec // 2):
            return q
    return None


def minibrot_size(c, period):
    """The complex size estimate 1 / (b l^2) of the minibrot of this period at nucleus c."""
    z, l, b = mpc(0), mpc(1), mpc(1)
    for _ in range(1, period):
        z = z * z + c
        l = 2 * z * l
        b += 1 / l
    return 1 / (b * l * l)


def julia_point(c, zoom, seed):
    """A preimage of the alpha fixed point, deep enough for the zoom (see the module comment)."""
    alpha = (1 - mpmath.sqrt(1 - 4 * c)) / 2
    rng = random.Random(seed)
    z, derivative, n = alpha, mpf(1), 0
    while derivative < 0.02 * zoom:
        z = mpmath.sqrt(z - c) * (1 if rng.getrandbits(1) else -1)
        derivative *= abs(2 * z)
        n += 1
    return z, n, alpha


def decimal(x, digits):
    """x as a plain decimal string with this many significant digits."""
    return mpmath.nstr(x, digits, min_fixed=-math.inf, max_fixed=math.inf, strip_zeros=False)


def nice_zoom(zoom):
    """The zoom rounded down to two significant digits, as 'M.Me+E'."""
    exponent = int(mpmath.floor(mpmath.log10(zoom)))
    mantissa = zoom / mpf(10) ** exponent
    tenths = int(mpmath.floor(mantissa * 10))
    return mpf(tenths) / 10 * mpf(10) ** exponent, f"{tenths // 10}.{tenths % 10}e{exponent}"


def set_precision(zoom_log10):
    mp.prec = int(zoom_log10 * 3.33) + 200


# Misiurewicz points: name -> (rough guess, preperiod, period). Found by the
# deflated Newton above from guesses near the boundary; lambda per step in
# brackets: M_5_1_antenna (3.84, a side branch of the main antenna),
# M_4_1_west (3.53), M_2_2_i (c = i, 2.38), M_4_1_third (the principal
# Misiurewicz point of the 1/3 limb, 1.33), M_5_2_north (3.08), M_4_1_east (2.46),
# M_5_1_spiral (1.20, a slow spiral).
MISIUREWICZ = {
    "M_5_1_antenna": ((-1.771257, 0.066161509), 5, 1),
    "M_4_1_west": ((-1.2963551, 0.44185161), 4, 1),
    "M_2_2_i": ((0.0, 1.0), 2, 2),
    "M_4_1_third": ((-0.10109636, 0.95628651), 4, 1),
    "M_5_2_north": ((-0.63675435, 0.6850313), 5, 2),
    "M_4_1_east": ((0.343907, 0.70062002), 4, 1),
    "M_5_1_spiral": ((0.36636298, 0.59153377), 5, 1),
}

# The locations: (name, what, parameters, itermax).
#   minibrot: (Misiurewicz point, log10 of the wanted size) - the minibrot by
#             ball period and Newton near it, zoom 1 / |size|
#   misiurewicz: (Misiurewicz point, zoom) - a view centred on the point
#   julia: (c, zoom, seed) - a view centred on a preimage of alpha; c is the
#          program's default (seed) constant -0.835 - 0.2321i, the classic
#          -0.8 + 0.156i (both Cantor sets: 0 escapes at steps 38 and 251), or
#          i (a dendrite)
LOCATIONS = [
    ("mandelbrot-1e20", "minibrot", ("M_4_1_third", -21), 2000),
    ("mandelbrot-1e50", "minibrot", ("M_4_1_east", -51), 2000),
    ("mandelbrot-1e100", "minibrot", ("M_5_2_north", -101), 3000),
    ("mandelbrot-1e300", "minibrot", ("M_4_1_west", -301), 5000),
    ("mandelbrot-1e300-bench", "minibrot", ("M_4_1_west", -301), 20000),
    ("mandelbrot-1e1000", "minibrot", ("M_5_1_antenna", -1001), 15000),
    ("mandelbrot-1e1000-bench", "minibrot", ("M_5_1_antenna", -1001), 50000),
    ("misiurewicz-1e30", "misiurewicz", ("M_4_1_third", "1e30"), 2000),
    ("misiurewicz-spiral-1e100", "misiurewicz", ("M_5_1_spiral", "1e100"), 3000),
    ("misiurewicz-1e1000", "misiurewicz", ("M_5_1_antenna", "1e1000"), 3000),
    ("misiurewicz-i-1e1000", "misiurewicz", ("M_2_2_i", "1e1000"), 3000),
    ("julia-seed-1e20", "julia", ((-0.835, -0.2321), "1e20", 3), 1000),
    ("julia-seed-1e100", "julia", ((-0.835, -0.2321), "1e100", 3), 2000),
    ("julia-classic-1e20", "julia", ((-0.8, 0.156), "1e20", 1), 1000),
    ("julia-classic-1e100", "julia", ((-0.8, 0.156), "1e100", 1), 2000),
    ("julia-i-1e20", "julia", ((0.0, 1.0), "1e20", 2), 1000),
    ("julia-i-1e100", "julia", ((0.0, 1.0), "1e100", 2), 2000),
]


def find(name, what, params, itermax):
    """The location's table line and its '# how:' comment."""
    if what == "minibrot":
        mname, size_log10 = params
        set_precision(-size_log10)
        guess, k, p = MISIUREWICZ[mname]
        m = misiurewicz_point(mpc(*guess), k, p)
        radius = 2 * mpf(10) ** (mpf(size_log10) / 2)
        period = ball_period(m, radius, 100000)
        c = nucleus(m + radius / 2, period)
        assert exact_period(c, period) == period, f"{name}: Newton found a nucleus of a lower period"
        size = minibrot_size(c, period)
        zoom, zoom_text = nice_zoom(1 / abs(size))
        how = (f"minibrot of period {period}, size {mpmath.nstr(abs(size), 3)} at angle "
               f"{mpmath.nstr(mpmath.arg(size), 3)}, {mpmath.nstr(abs(c - m), 3)} from the Misiurewicz point "
               f"{mname} ({mpmath.nstr(m, 12)}); ball period at radius {mpmath.nstr(radius, 2)}, Newton from "
               f"M + radius/2")
        julia = ("0", "0")
    elif what == "misiurewicz":
        mname, zoom_text = params
        zoom = mpf(zoom_text)
        set_precision(float(mpmath.log10(zoom)))
        guess, k, p = MISIUREWICZ[mname]
        c = misiurewicz_point(mpc(*guess), k, p)
        lam = misiurewicz_multiplier(c, k, p)
        how = (f"Misiurewicz point {mname}, preperiod {k}, period {p}, multiplier |lambda| "
               f"{mpmath.nstr(abs(lam), 4)} at angle {mpmath.nstr(mpmath.arg(lam), 3)}; deflated Newton from "
               f"{guess[0]:+} {guess[1]:+}i")
        julia = ("0", "0")
    else:
        (cre, cim), zoom_text, seed = params
        zoom = mpf(zoom_text)
        set_precision(float(mpmath.log10(zoom)))
        jc = mpc(cre, cim)  # the doubles, exactly
        c, n, alpha = julia_point(jc, zoom, seed)
        how = (f"Julia set of c = {cre:+} {cim:+}i: the preimage f^-{n}(alpha) of alpha = "
               f"{mpmath.nstr(alpha, 8)} (|2 alpha| = {mpmath.nstr(abs(2 * alpha), 4)}), branches from "
               f"random.Random({seed})")
        julia = (repr(cre), repr(cim))
    digits = int(mpmath.log10(zoom)) + 40
    fractal = "julia" if what == "julia" else "mandelbrot"
    line = (f"{name} {fractal} {julia[0]} {julia[1]} {zoom_text} {itermax} "
            f"{decimal(c.real, digits)} {decimal(c.imag, digits)}")
    return f"# how: {how}\n{line}\n"


def verify(program, line):
    """Renders the location's small view with mpfr_reference; returns (ok, summary)."""
    name, fractal, jre, jim, zoom, itermax, cre, cim = line.split()
    stride = 2 if float(zoom.split("e")[1]) <= 50 else 4
    cmd = [program, "--fractal", fractal, "--center-re", cre, "--center-im", cim, "--zoom", zoom,
           "--width", "96", "--height", "64", "--itermax", itermax, "--real", jre, "--imag", jim,
           "--stride", str(stride), "--threads", "0", "--summary", "--output", "/dev/null"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    summary = done.stderr.strip()
    distinct = int(summary.split(" distinct")[0].rsplit(" ", 1)[1]) if " distinct" in summary else 0
    uncertain = int(summary.split("uncertain: ")[1].split()[0]) if "uncertain: " in summary else -1
    samples = 96 * 64 // (stride * stride)
    return done.returncode == 0 and distinct > 1 and 0 <= uncertain <= samples // 200, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write")
    parser.add_argument("--verify")
    parser.add_argument("--only")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    blocks = []
    for name, what, params, itermax in LOCATIONS:
        if only and name not in only:
            continue
        block = find(name, what, params, itermax)
        blocks.append(block)
        print(block.split("\n")[0][:200], file=sys.stderr)
    if args.write:
        with open(args.write, "w") as f:
            f.write(HEADER)
            f.writelines(blocks)
    failures = 0
    if args.verify:
        for block in blocks:
            line = block.strip().split("\n")[-1]
            ok, summary = verify(args.verify, line)
            failures += not ok
            print(f"{'ok' if ok else 'FAILED'} {line.split()[0]}\n  " + summary.replace("\n", "\n  "))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
