/*
 * schema_avro_double.c - Double.toString and Float.toString as the JDK 17
 * that Confluent 7.9 runs writes them (FloatingDecimal's
 * BinaryToASCIIBuffer), which is not always the shortest text that reads
 * back: an integer-valued number below 2^63 is printed from its long
 * value (1.36203124610706848E17), and E-form always carries a second digit
 * generated with the same stopping rule (Double.MIN_VALUE is 4.9E-324).
 * The digits come from exact integer arithmetic (B / S with margin M, as
 * Steele and White's free-format algorithm), so the output is the JDK's
 * for every finite value.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "schema_avro_model.h"

/* Enough 32-bit words for B, S, M and 10S at either end of the range. */
#define BIG_WORDS 80

typedef struct big {
    uint32_t w[BIG_WORDS];
    size_t n;
} big_t;

static void
big_set(big_t *b, uint64_t v)
{
    b->n = 0;
    while (v != 0) {
        b->w[b->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static void
big_mul(big_t *b, uint32_t k)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)b->w[i] * k + carry;
        b->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry != 0 && b->n < BIG_WORDS)
        b->w[b->n++] = (uint32_t)carry;
}

static void
big_mul_pow5(big_t *b, int e)
{
    for (; e >= 13; e -= 13)
        big_mul(b, 1220703125u); /* 5^13 */
    uint32_t k = 1;
    while (e-- > 0)
        k *= 5;
    big_mul(b, k);
}

static void
big_shl(big_t *b, int bits)
{
    if (b->n == 0 || bits <= 0)
        return;
    size_t words = (size_t)bits / 32, rest = (size_t)bits % 32;
    if (b->n + words + 1 > BIG_WORDS)
        return; /* not reached: the exponents bound every operand */
    if (rest != 0) {
        b->w[b->n] = 0;
        for (size_t i = b->n; i > 0; i--)
            b->w[i] = (b->w[i] << rest) | (b->w[i - 1] >> (32 - rest));
        b->w[0] <<= rest;
        b->n++;
        if (b->w[b->n - 1] == 0)
            b->n--;
    }
    memmove(b->w + words, b->w, b->n * sizeof(uint32_t));
    memset(b->w, 0, words * sizeof(uint32_t));
    b->n += words;
}

static int
big_cmp(const big_t *a, const big_t *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (size_t i = a->n; i > 0; i--)
        if (a->w[i - 1] != b->w[i - 1])
            return a->w[i - 1] < b->w[i - 1] ? -1 : 1;
    return 0;
}

/* a -= b, for a >= b. */
static void
big_sub(big_t *a, const big_t *b)
{
    int64_t borrow = 0;
    for (size_t i = 0; i < a->n; i++) {
        int64_t t = (int64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;
        borrow = t < 0;
        a->w[i] = (uint32_t)(t + (borrow ? ((int64_t)1 << 32) : 0));
    }
    while (a->n > 0 && a->w[a->n - 1] == 0)
        a->n--;
}

static void
big_add(big_t *r, const big_t *a, const big_t *b)
{
    uint64_t carry = 0;
    size_t n = a->n > b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = (uint64_t)(i < a->n ? a->w[i] : 0) + (i < b->n ? b->w[i] : 0) + carry;
        r->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    r->n = n;
    if (carry != 0 && n < BIG_WORDS)
        r->w[r->n++] = (uint32_t)carry;
}

/* q = b / s (less than 10 by construction), b = 10 * (b % s). */
static int
big_digit(big_t *b, const big_t *s)
{
    int q = 0;
    while (q < 10 && big_cmp(b, s) >= 0) {
        big_sub(b, s);
        q++;
    }
    big_mul(b, 10);
    return q;
}

/* What FloatingDecimal produces: digits and decExponent (the value is
 * 0.DIGITS x 10^decExponent). */
typedef struct jdigits {
    char d[32];
    int n;
    int dec_exp;
} jdigits_t;

static void
roundup(jdigits_t *j)
{
    int i = j->n - 1;
    while (i > 0 && j->d[i] == '9')
        j->d[i--] = '0';
    if (j->d[i] == '9') {
        j->d[0] = '1';
        j->dec_exp++;
        return;
    }
    j->d[i]++;
}

/* developLongDigits: the digits of v / 10^ins, rounded half up, trailing zeros dropped. */
static void
long_digits(jdigits_t *j, uint64_t v, int ins)
{
    int dec = 0;
    if (ins > 0) {
        uint64_t pow10 = 1;
        for (int i = 0; i < ins; i++)
            pow10 *= 10;
        uint64_t residue = v % pow10;
        v /= pow10;
        dec = ins;
        if (residue >= pow10 / 2)
            v++;
    }
    while (v % 10 == 0) {
        v /= 10;
        dec++;
    }
    char tmp[24];
    int n = 0;
    for (; v != 0; v /= 10)
        tmp[n++] = (char)('0' + v % 10);
    for (int i = 0; i < n; i++)
        j->d[i] = tmp[n - 1 - i];
    j->n = n;
    j->dec_exp = dec + n;
}

/* estimateDecExp: floor(log10) from a linear fit of log10 on [1, 2). */
static int
estimate_dec_exp(uint64_t fract_bits, int bin_exp)
{
    uint64_t bits = 0x3FF0000000000000ULL | (fract_bits & 0x000FFFFFFFFFFFFFULL);
    double d2;
    memcpy(&d2, &bits, sizeof(d2));
    double d = (d2 - 1.5) * 0.289529654;
    d = d + 0.176091259;
    d = d + (double)bin_exp * 0.301029995663981;
    return (int)floor(d);
}

/* ceil(log2(5^i)) for small i, as the JDK sizes its arithmetic. */
static const int n5bits[] = {
    0, 3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28, 31, 33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56, 59, 61
};
#define N5BITS_LEN ((int)(sizeof(n5bits) / sizeof(n5bits[0])))

static int
bits_of_pow5(int e)
{
    return e < N5BITS_LEN ? n5bits[e] : e * 3;
}

/*
 * BinaryToASCIIBuffer.dtoa: fract_bits holds the significand with its high
 * bit at bit 52, value = fract_bits x 2^(bin_exp - 52).
 */
static void
dtoa(jdigits_t *j, int bin_exp, uint64_t fract_bits, int nsig_bits)
{
    int tail_zeros = __builtin_ctzll(fract_bits);
    int nfract_bits = 53 - tail_zeros;
    int ntiny_bits = nfract_bits - bin_exp - 1 > 0 ? nfract_bits - bin_exp - 1 : 0;
    if (bin_exp <= 62 && bin_exp >= -21 && ntiny_bits == 0 && nfract_bits < 64) {
        int ins = 0;
        if (bin_exp > nsig_bits) {
            int p2 = bin_exp - nsig_bits - 1;
            ins = p2 > 1 && p2 < 64 ? p2 * 30103 / 100000 : 0;
        }
        uint64_t v = bin_exp >= 52 ? fract_bits << (bin_exp - 52) : fract_bits >> (52 - bin_exp);
        long_digits(j, v, ins);
        return;
    }
    int dec_exp = estimate_dec_exp(fract_bits, bin_exp);
    int b5 = dec_exp < 0 ? -dec_exp : 0, b2 = b5 + ntiny_bits + bin_exp;
    int s5 = dec_exp > 0 ? dec_exp : 0, s2 = s5 + ntiny_bits;
    int m5 = b5, m2 = b2 - nsig_bits;
    fract_bits >>= tail_zeros;
    b2 -= nfract_bits - 1;
    int common2 = b2 < s2 ? b2 : s2;
    b2 -= common2;
    s2 -= common2;
    m2 -= common2;
    if (nfract_bits == 1)
        m2 -= 1; /* a power of two: the next value down is half as far */
    if (m2 < 0) {
        b2 -= m2;
        s2 -= m2;
        m2 = 0;
    }
    /* The JDK's int and long paths test high as b + m > 10s, its big
     * integer path as b + m >= 10s. */
    int small = nfract_bits + b2 + bits_of_pow5(b5) < 64 && s2 + 1 + bits_of_pow5(s5 + 1) < 64;
    big_t b, s, m, tens, sum;
    big_set(&b, fract_bits);
    big_mul_pow5(&b, b5);
    big_shl(&b, b2);
    big_set(&s, 1);
    big_mul_pow5(&s, s5);
    big_shl(&s, s2);
    big_set(&m, 1);
    big_mul_pow5(&m, m5);
    big_shl(&m, m2);
    tens = s;
    big_mul(&tens, 10);

    j->n = 0;
    int q = big_digit(&b, &s);
    big_mul(&m, 10);
    big_add(&sum, &b, &m);
    int low = big_cmp(&b, &m) < 0;
    int high = small ? big_cmp(&sum, &tens) > 0 : big_cmp(&sum, &tens) >= 0;
    if (q == 0 && !high)
        dec_exp--;
    else
        j->d[j->n++] = (char)('0' + q);
    /* E-form carries at least two digits. */
    if (dec_exp < -3 || dec_exp >= 8)
        low = high = 0;
    while (!low && !high && j->n < (int)sizeof(j->d)) {
        q = big_digit(&b, &s);
        big_mul(&m, 10);
        big_add(&sum, &b, &m);
        low = big_cmp(&b, &m) < 0;
        high = small ? big_cmp(&sum, &tens) > 0 : big_cmp(&sum, &tens) >= 0;
        j->d[j->n++] = (char)('0' + q);
    }
    j->dec_exp = dec_exp + 1;
    if (!high)
        return;
    if (!low) {
        roundup(j);
        return;
    }
    big_t twice = b;
    big_shl(&twice, 1);
    int diff = big_cmp(&twice, &tens);
    if (diff > 0 || (diff == 0 && ((j->d[j->n - 1] - '0') & 1) != 0))
        roundup(j);
}

/* BinaryToASCIIBuffer.getChars for a finite nonzero value. */
static void
write_digits(buf_t *b, const jdigits_t *j)
{
    int de = j->dec_exp;
    if (de > 0 && de < 8) {
        int whole = j->n < de ? j->n : de;
        buf_append(b, j->d, (size_t)whole);
        for (int i = whole; i < de; i++)
            buf_puts(b, "0");
        buf_puts(b, ".");
        if (whole < j->n)
            buf_append(b, j->d + whole, (size_t)(j->n - whole));
        else
            buf_puts(b, "0");
    } else if (de <= 0 && de > -3) {
        buf_puts(b, "0.");
        for (int i = de; i < 0; i++)
            buf_puts(b, "0");
        buf_append(b, j->d, (size_t)j->n);
    } else {
        buf_append(b, j->d, 1);
        buf_puts(b, ".");
        if (j->n > 1)
            buf_append(b, j->d + 1, (size_t)(j->n - 1));
        else
            buf_puts(b, "0");
        buf_printf(b, "E%d", de - 1);
    }
}

static int
write_special(buf_t *b, double d)
{
    if (isnan(d))
        buf_puts(b, "NaN");
    else if (isinf(d))
        buf_puts(b, d < 0 ? "-Infinity" : "Infinity");
    else if (d == 0)
        buf_puts(b, signbit(d) ? "-0.0" : "0.0");
    else
        return 0;
    return 1;
}

void
avro_write_double(buf_t *b, double d)
{
    if (write_special(b, d))
        return;
    uint64_t bits;
    memcpy(&bits, &d, sizeof(bits));
    uint64_t fract = bits & 0x000FFFFFFFFFFFFFULL;
    int bin_exp = (int)((bits >> 52) & 0x7FF), nsig = 53;
    if (bin_exp == 0) {
        int shift = __builtin_clzll(fract) - 11;
        fract <<= shift;
        bin_exp = 1 - shift;
        nsig = 64 - __builtin_clzll(bits & 0x000FFFFFFFFFFFFFULL);
    } else {
        fract |= 1ULL << 52;
    }
    jdigits_t j;
    dtoa(&j, bin_exp - 1023, fract, nsig);
    if (signbit(d))
        buf_puts(b, "-");
    write_digits(b, &j);
}

void
avro_write_float(buf_t *b, float f)
{
    if (write_special(b, (double)f))
        return;
    uint32_t bits;
    memcpy(&bits, &f, sizeof(bits));
    uint32_t fract = bits & 0x007FFFFF;
    int bin_exp = (int)((bits >> 23) & 0xFF), nsig = 24;
    if (bin_exp == 0) {
        int shift = __builtin_clz(fract) - 8;
        fract <<= shift;
        bin_exp = 1 - shift;
        nsig = 32 - __builtin_clz(bits & 0x007FFFFF);
    } else {
        fract |= 1u << 23;
    }
    jdigits_t j;
    dtoa(&j, bin_exp - 127, (uint64_t)fract << 29, nsig);
    if (signbit(f))
        buf_puts(b, "-");
    write_digits(b, &j);
}
