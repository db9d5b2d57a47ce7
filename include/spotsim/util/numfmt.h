#ifndef SPOTSIM_NUMFMT_H
#define SPOTSIM_NUMFMT_H
/*
 * numfmt — numbers as text, byte for byte what printf writes in the C
 * locale, without printf's per-call cost. For writers of many rows (the
 * CSV files of a run), where the output must not change by a byte.
 *
 *   numfmt_g(buf, v, prec)  "%.*g"   prec 1..NUMFMT_PREC_MAX
 *   numfmt_f(buf, v, prec)  "%.*f"   prec 0..NUMFMT_PREC_MAX
 *   numfmt_i64(buf, v)      "%" PRId64 (and "%ld")
 *   numfmt_u64(buf, v)      "%" PRIu64
 *
 * Each writes into `buf`, which must hold NUMFMT_SIZE bytes, NUL-terminates
 * it and returns the length. Infinities and NaNs read "inf", "-inf", "nan",
 * "-nan" as glibc writes them; -0 keeps its sign ("-0", "-0.000000").
 *
 * Rounding is printf's: the exact binary value of `v` rounded to the digits
 * asked for, to nearest, ties to even (0.5 -> "0", 999999.5 -> "1e+06" with
 * %.6g, 0.125 -> "0.12" with %.2f). The fast path does that arithmetic
 * exactly in 128-bit integers whenever the scaled mantissa fits: for
 * magnitudes from about 1e-21 (%.6g) or 1e-17 (%.10g) to 1e32, and below
 * about 1.8e13 for %.6f. Other values (and builds without a 128-bit
 * integer type) go to snprintf, so the text is the same either way.
 */
#include <stddef.h>
#include <stdint.h>

/* Room for any result: "%.17f" of -DBL_MAX is 327 characters. */
#define NUMFMT_SIZE	360
#define NUMFMT_PREC_MAX 17

size_t numfmt_g(char *buf, double v, int prec);
size_t numfmt_f(char *buf, double v, int prec);
size_t numfmt_i64(char *buf, int64_t v);
size_t numfmt_u64(char *buf, uint64_t v);

/*
 * `v` for people to read: 0 when its magnitude is below 1e-9 of `scale`
 * (at least 1), the floating noise of a sum or a difference of equal
 * values (-2.8e-14); -0 becomes 0. Printed and HTML values go through it;
 * CSV files keep full precision.
 */
double numfmt_denoise(double v, double scale);

/*
 * Drops the sign of a printed number that rounds to zero ("-0.00", "+0.0",
 * "-0" become "0.00", "0.0", "0"), in place; other text is left as it is.
 */
void numfmt_unsign_zero(char *buf);

#endif
