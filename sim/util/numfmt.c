/*
 * numfmt — printf's number formats without printf (see numfmt.h).
 *
 * A finite double is m x 2^e exactly (m < 2^53). Rounding it to a decimal
 * digit 10^-s is rounding the rational m x 5^s x 2^(e+s) to an integer:
 * with s in [-27, 27] the numerator stays below 2^116 and the denominator
 * (5^-s or a power of two, or their product) is kept below 2^127, so one
 * 128-bit quotient and remainder give the exact result, ties going to the
 * even neighbour as glibc's printf does. Whatever falls outside those
 * bounds is handed to snprintf, which is then the definition.
 *
 * %.Pg needs the decimal exponent X of the value rounded to P digits:
 * floor(log2 |v|) gives floor(log10 |v|) or one less, so X starts there and
 * moves up while the rounded figure has more than P digits (at most twice:
 * once for the estimate, once for a carry such as 999999.5 -> 1e+06).
 */
#include "spotsim/util/numfmt.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const uint64_t pow10_u64[20] = {1u,
				       10u,
				       100u,
				       1000u,
				       10000u,
				       100000u,
				       1000000u,
				       10000000u,
				       100000000u,
				       1000000000u,
				       10000000000u,
				       100000000000u,
				       1000000000000u,
				       10000000000000u,
				       100000000000000u,
				       1000000000000000u,
				       10000000000000000u,
				       100000000000000000u,
				       1000000000000000000u,
				       10000000000000000000u};

/* "00" "01" ... "99" */
static const char digit_pairs[201] = "0001020304050607080910111213141516171819"
				     "2021222324252627282930313233343536373839"
				     "4041424344454647484950515253545556575859"
				     "6061626364656667686970717273747576777879"
				     "8081828384858687888990919293949596979899";

/* The last `n` digits of q into p[0..n), with leading zeros; two at a time. */
static void put_fixed(char *p, uint64_t q, int n)
{
	while (n >= 2) {
		n -= 2;
		memcpy(p + n, digit_pairs + 2 * (q % 100), 2);
		q /= 100;
	}
	if (n)
		p[0] = (char)('0' + q % 10);
}

static int count_digits(uint64_t v)
{
	int n = 1;
	while (n < 20 && v >= pow10_u64[n])
		n++;
	return n;
}

size_t numfmt_u64(char *buf, uint64_t v)
{
	int n = count_digits(v);
	put_fixed(buf, v, n);
	buf[n] = '\0';
	return (size_t)n;
}

size_t numfmt_i64(char *buf, int64_t v)
{
	if (v >= 0)
		return numfmt_u64(buf, (uint64_t)v);
	buf[0] = '-';
	return 1 + numfmt_u64(buf + 1, (uint64_t)0 - (uint64_t)v);
}

/* inf, -inf, nan, -nan */
static size_t not_finite(char *buf, double v)
{
	const char *s = isnan(v) ? "nan" : "inf";
	size_t n = 0;

	if (signbit(v))
		buf[n++] = '-';
	memcpy(buf + n, s, 4);
	return n + 3;
}

static size_t fallback(char *buf, double v, int prec, bool g)
{
	int n = g ? snprintf(buf, NUMFMT_SIZE, "%.*g", prec, v)
		  : snprintf(buf, NUMFMT_SIZE, "%.*f", prec, v);
	return n < 0 ? 0 : (size_t)n;
}

#ifdef __SIZEOF_INT128__

typedef unsigned __int128 u128;

#define POW5_MAX 27 /* 5^27 < 2^63 */

static const uint64_t pow5_u64[POW5_MAX + 1] = {1u,
						5u,
						25u,
						125u,
						625u,
						3125u,
						15625u,
						78125u,
						390625u,
						1953125u,
						9765625u,
						48828125u,
						244140625u,
						1220703125u,
						6103515625u,
						30517578125u,
						152587890625u,
						762939453125u,
						3814697265625u,
						19073486328125u,
						95367431640625u,
						476837158203125u,
						2384185791015625u,
						11920928955078125u,
						59604644775390625u,
						298023223876953125u,
						1490116119384765625u,
						7450580596923828125u};

/* |v| = m x 2^e, m > 0, for a finite non-zero double. */
static void decompose(double a, uint64_t *m, int *e)
{
	uint64_t bits;
	memcpy(&bits, &a, sizeof(bits));
	int biased = (int)((bits >> 52) & 0x7ff);
	*m = bits & ((UINT64_C(1) << 52) - 1);
	if (biased == 0) {
		*e = -1074; /* subnormal */
	} else {
		*m |= UINT64_C(1) << 52;
		*e = biased - 1075;
	}
}

/* num / den rounded to nearest, ties to even; false when it exceeds 64 bits. */
static bool divide_round(u128 num, u128 den, uint64_t *q)
{
	u128 quo = num / den, rem = num % den;
	if (rem > den - rem || (rem == den - rem && (quo & 1)))
		quo++;
	if (quo >> 64)
		return false;
	*q = (uint64_t)quo;
	return true;
}

/* num / 2^k rounded to nearest, ties to even, for num < 2^116; false beyond 64 bits. */
static bool shift_round(u128 num, int k, uint64_t *q)
{
	u128 quo, rem, half;

	if (k >= 118) {
		*q = 0; /* below a quarter */
		return true;
	}
	quo = num >> k;
	rem = num & (((u128)1 << k) - 1);
	half = (u128)1 << (k - 1);
	if (rem > half || (rem == half && (quo & 1)))
		quo++;
	if (quo >> 64)
		return false;
	*q = (uint64_t)quo;
	return true;
}

/* m x 2^e x 10^s rounded to an integer; false when the fast path cannot say. */
static bool scaled_round(uint64_t m, int e, int s, uint64_t *q)
{
	u128 num = m, den = 1;
	int sh = e + s;

	if (s > POW5_MAX || s < -POW5_MAX)
		return false;
	if (s >= 0)
		num *= pow5_u64[s]; /* < 2^116 */
	else
		den = pow5_u64[-s];
	if (sh > 0) {
		if (sh > 127 || num >> (128 - sh))
			return false;
		num <<= sh;
	} else if (sh < 0) {
		if (den == 1)
			return shift_round(num, -sh, q);
		if (-sh > 64)
			return false; /* den (< 2^63) x 2^-sh would not fit */
		den <<= -sh;
	}
	if (den == 1) {
		if (num >> 64)
			return false;
		*q = (uint64_t)num;
		return true;
	}
	return divide_round(num, den, q);
}

/* floor(k x log10 2) for |k| <= 1650 (78913 / 2^18 is close enough to log10 2). */
static int floor_log10_pow2(int k)
{
	if (k >= 0)
		return (int)(((uint32_t)k * 78913u) >> 18);
	return -(int)((((uint32_t)-k * 78913u) >> 18) + 1);
}

/* d[0].d[1..n)e+XX, at least two exponent digits. */
static size_t put_exponential(char *p, const char *d, int n, int x)
{
	char *start = p;
	unsigned ax = (unsigned)(x < 0 ? -x : x);

	*p++ = d[0];
	if (n > 1) {
		*p++ = '.';
		memcpy(p, d + 1, (size_t)n - 1);
		p += n - 1;
	}
	*p++ = 'e';
	*p++ = x < 0 ? '-' : '+';
	if (ax < 10)
		*p++ = '0';
	p += numfmt_u64(p, ax);
	return (size_t)(p - start);
}

/* The P digits d of a value with exponent x as %g writes them (trailing zeros dropped). */
static size_t put_g_digits(char *p, const char *d, int prec, int x)
{
	char *start = p;
	int n = prec;

	while (n > 1 && d[n - 1] == '0')
		n--;
	if (x < -4 || x >= prec)
		return put_exponential(p, d, n, x);
	if (x < 0) {
		*p++ = '0';
		*p++ = '.';
		memset(p, '0', (size_t)(-x - 1));
		p += -x - 1;
		memcpy(p, d, (size_t)n);
		p += n;
		return (size_t)(p - start);
	}
	memcpy(p, d, (size_t)x + 1); /* the integer part keeps its zeros */
	p += x + 1;
	if (n > x + 1) {
		*p++ = '.';
		memcpy(p, d + x + 1, (size_t)(n - x - 1));
		p += n - x - 1;
	}
	return (size_t)(p - start);
}

/* %.Pg of a finite non-zero a = |v| that is not a small whole number; 0 when it cannot. */
static size_t g_exact(char *p, double a, int prec)
{
	uint64_t m, q = 0;
	int e, x, tries = 0;
	char d[NUMFMT_PREC_MAX];

	decompose(a, &m, &e);
	x = floor_log10_pow2(63 - __builtin_clzll(m) + e);
	for (;;) {
		if (tries++ == 3 || !scaled_round(m, e, prec - 1 - x, &q))
			return 0;
		if (q < pow10_u64[prec])
			break;
		x++;
	}
	if (q < pow10_u64[prec - 1])
		return 0; /* the estimate was too high: cannot happen, but never guess */
	put_fixed(d, q, prec);
	return put_g_digits(p, d, prec, x);
}

/* %.Pf of a finite a = |v|; 0 when it cannot. */
static size_t f_exact(char *p, double a, int prec)
{
	uint64_t m, q = 0;
	int e;
	char *start = p;

	if (a != 0) {
		decompose(a, &m, &e);
		if (!scaled_round(m, e, prec, &q))
			return 0;
	}
	p += numfmt_u64(p, q / pow10_u64[prec]);
	if (prec > 0) {
		*p++ = '.';
		put_fixed(p, q % pow10_u64[prec], prec);
		p += prec;
	}
	*p = '\0';
	return (size_t)(p - start);
}

#else /* no 128-bit integers: snprintf is the only path */

static size_t g_exact(char *p, double a, int prec)
{
	(void)p, (void)a, (void)prec;
	return 0;
}

static size_t f_exact(char *p, double a, int prec)
{
	(void)p, (void)a, (void)prec;
	return 0;
}

#endif

size_t numfmt_g(char *buf, double v, int prec)
{
	size_t sign = signbit(v) ? 1 : 0, n;
	double a = fabs(v);

	if (!isfinite(v))
		return not_finite(buf, v);
	if (prec < 1 || prec > NUMFMT_PREC_MAX)
		return fallback(buf, v, prec, true);
	buf[0] = '-';
	if (a == 0) {
		memcpy(buf + sign, "0", 2);
		return sign + 1;
	}
	/* whole numbers below 10^P are written as they are */
	if (a < (double)pow10_u64[prec] && a == (double)(uint64_t)a)
		return sign + numfmt_u64(buf + sign, (uint64_t)a);
	n = g_exact(buf + sign, a, prec);
	if (n == 0)
		return fallback(buf, v, prec, true);
	buf[sign + n] = '\0';
	return sign + n;
}

size_t numfmt_f(char *buf, double v, int prec)
{
	size_t sign = signbit(v) ? 1 : 0, n;

	if (!isfinite(v))
		return not_finite(buf, v);
	if (prec < 0 || prec > NUMFMT_PREC_MAX)
		return fallback(buf, v, prec, false);
	buf[0] = '-';
	n = f_exact(buf + sign, fabs(v), prec);
	if (n == 0)
		return fallback(buf, v, prec, false);
	return sign + n;
}

void numfmt_unsign_zero(char *buf)
{
	if ((buf[0] == '-' || buf[0] == '+') && strspn(buf + 1, "0.") == strlen(buf + 1))
		memmove(buf, buf + 1, strlen(buf));
}

double numfmt_denoise(double v, double scale)
{
	double s = fabs(scale) > 1 ? fabs(scale) : 1;

	return fabs(v) < 1e-9 * s ? 0 : v;
}
