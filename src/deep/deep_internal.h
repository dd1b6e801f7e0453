/* deep_internal.h - what the files of src/deep/ share: the reference's layout, the view in MPFR (not public). */
#ifndef MPIFRACTAL_DEEP_INTERNAL_H
#define MPIFRACTAL_DEEP_INTERNAL_H

#include <mpfr.h>
#include <stddef.h>
#include <stdint.h>

#include "deep.h"
#include "floatexp.h"

/* Orbit entries (other than entry 0) with both parts below 2^-400 end the
 * orbit: such an entry is kept in extended range (tiny_end, end) and samples
 * rebase there, so no interior entry is too small for a double. Deltas below
 * the same bound are kept in extended range. */
#define DEEP_TINY 0x1p-400
#define DEEP_TINY2 0x1p-800

/* One reference orbit: entries 0..last as doubles (struct of arrays). When
 * tiny_end is set, entry last is too small for a double and its value is end
 * (the doubles hold it rounded). */
struct deep_orbit {
    double *re, *im;
    uint64_t last;
    int tiny_end;
    struct fec end;
};

/* The reference: Mandelbrot: orbit[0] from Z_0 = 0 at the centre (norbits 1).
 * Julia: orbit[0] from Z_0 = the centre, orbit[1] the critical orbit from 0
 * (norbits 2). */
struct deep_reference {
    enum fractal_kind fractal;
    double c_re, c_im;    /* Julia constant (0 for the Mandelbrot set) */
    double stop_radius;   /* orbits stop after |Z| > stop_radius */
    uint32_t itermax;     /* orbits hold at most itermax + 1 entries */
    long precision;       /* bits */
    char *center_re, *center_im;
    int norbits;
    struct deep_orbit orbit[2];
};

/* The radius reference orbits are followed to for a location. */
double deep_stop_radius(const struct deep_location *loc);

/* 1 if s is a decimal number: [+-]digits[.digits][(e|E)[+-]digits], at least
 * one digit in the mantissa, at most 9 exponent digits, no spaces. */
int deep_decimal_valid(const char *s);

/* Sets x (already initialised, with its precision) to the decimal s rounded
 * to nearest. s must be valid (deep_decimal_valid). */
void deep_decimal_to_mpfr(mpfr_t x, const char *s);

/* The spacing d = 4 / (Z (H - 1)) of a checked location as a real floatexp
 * (53-bit mantissa). */
struct fec deep_spacing(const struct deep_location *loc);

/* The extended-range value of (re, im) (MPFR numbers, rounded to 53 bits). */
struct fec deep_fec_from_mpfr(const mpfr_t re, const mpfr_t im);

#endif
