// The printf family: mg_snprintf against the C library's snprintf on a large
// table of formats, truncation, measuring, the %M/%m extensions and printers,
// mg_mprintf, mg_xprintf, mg_printf and mg_error.
//
// Rows marked TM follow Mongoose on purpose, where glibc prints something
// else (h/hh ignored, NULL %s, %g's fixed range, %f's half-up rounding): TM
// checks our output and that glibc's differs. In the flag combinations, %f
// and %g are checked against ref_double(), which builds those rules from
// snprintf's own pieces.
#include <float.h>
#include <ctype.h>
#include <math.h>

#include "test_util.h"

static int s_cases, s_shown;

// Compares one mg_snprintf result with snprintf's: text and return value.
static void compare(const char *what, const char *want, int want_n,
                    const char *got, size_t got_n) {
  s_cases++;
  s_checks++;
  if (want_n < 0 || strcmp(want, got) != 0 || got_n != (size_t) want_n) {
    s_failures++;
    if (s_shown++ < 40)
      fprintf(stderr, "FAIL %s: want [%s] (%d), got [%s] (%zu)\n", what, want,
              want_n, got, got_n);
  }
}

// Formats the same arguments with both functions and compares.
#define T(...)                                                   \
  do {                                                           \
    char a_[600], b_[600];                                       \
    int na_ = snprintf(a_, sizeof(a_), __VA_ARGS__);             \
    size_t nb_ = mg_snprintf(b_, sizeof(b_), __VA_ARGS__);       \
    compare(#__VA_ARGS__, a_, na_, b_, nb_);                     \
  } while (0)

// The same, for a format built at run time.
#define TF(fmt, ...)                                             \
  do {                                                           \
    char a_[600], b_[600];                                       \
    int na_ = snprintf(a_, sizeof(a_), fmt, __VA_ARGS__);        \
    size_t nb_ = mg_snprintf(b_, sizeof(b_), fmt, __VA_ARGS__);  \
    compare(fmt, a_, na_, b_, nb_);                              \
  } while (0)

// A row that follows Mongoose on purpose: mg_snprintf gives want, and the C
// library something else (so the row documents a real difference).
#define TM(want, ...)                                            \
  do {                                                           \
    char a_[600], b_[600];                                       \
    int na_ = snprintf(a_, sizeof(a_), __VA_ARGS__);             \
    size_t nb_ = mg_snprintf(b_, sizeof(b_), __VA_ARGS__);       \
    compare(#__VA_ARGS__, want, (int) strlen(want), b_, nb_);    \
    s_checks++;                                                  \
    if (na_ >= 0 && strcmp(a_, want) == 0) {                     \
      s_failures++;                                              \
      fprintf(stderr, "FAIL %s: glibc agrees ([%s]): use T\n",  \
              #__VA_ARGS__, a_);                                 \
    }                                                            \
  } while (0)

// Hides a format from the compiler's checks, for flag combinations it
// warns about but the C library still defines.
static const char *rt(const char *fmt) {
  return fmt;
}

// Not constant, so the compiler cannot warn about NULL %s arguments.
static const char *volatile s_null_str = NULL;

static void test_table(void) {
  const char *nul = s_null_str;
  int x = 5;
  // Integers.
  T("%d", 0);
  T("%d", 42);
  T("%d", -42);
  T("%i", 123);
  T("%d", INT_MAX);
  T("%d", INT_MIN);
  T("%u", 0u);
  T("%u", UINT_MAX);
  T("%x", 0xdeadbeefu);
  T("%X", 0xdeadbeefu);
  T("%o", 8u);
  T("%o", 0777u);
  T("%5d|", 42);
  T("%-5d|", 42);
  T("%05d|", 42);
  T("%05d|", -42);
  T("%+d|", 42);
  T("%+d|", -42);
  T("% d|", 42);
  T("% d|", -42);
  TF(rt("%+ d|"), 42);
  T("%-+5d|", 42);
  T("%.3d|", 7);
  T("%.3d|", -7);
  T("%8.3d|", 7);
  T("%-8.3d|", -7);
  TF(rt("%08.3d|"), 7);
  T("%.0d|", 0);
  T("%5.0d|", 0);
  T("%.0u|", 0u);
  T("%.0x|", 0u);
  T("%#x|", 0u);
  T("%#x|", 255u);
  T("%#X|", 255u);
  T("%#o|", 0u);
  T("%#o|", 8u);
  T("%#.0o|", 0u);
  T("%#.5o|", 8u);
  T("%#08x|", 255u);
  T("%-#8x|", 255u);
  T("%#10.4x|", 255u);
  T("%1d|", 12345);
  T("%20d|", INT_MIN);
  T("%-20u|", UINT_MAX);
  T("%020d|", INT_MIN);
  T("%+.10d|", 12);
  // Length modifiers.
  TM("300", "%hhd", 300);  // Mongoose ignores hh
  TM("300", "%hhu", 300);
  TM("-129", "%hhd", -129);
  TM("ffffffff", "%hhx", -1);
  TM("70000", "%hd", 70000);
  TM("70000", "%hu", 70000);
  TM("-32769", "%hd", -32769);
  TM("ffffffff", "%hx", -1);
  T("%ld", 123456789L);
  T("%ld", LONG_MIN);
  T("%ld", LONG_MAX);
  T("%lu", ULONG_MAX);
  T("%lx", ULONG_MAX);
  T("%lo", ULONG_MAX);
  T("%lld", 0LL);
  T("%lld", LLONG_MIN);
  T("%lld", LLONG_MAX);
  T("%llu", ULLONG_MAX);
  T("%llx", ULLONG_MAX);
  T("%llX", 0xabcdef0123456789ULL);
  T("%#llo", ULLONG_MAX);
  T("%+lld", 1LL);
  T("%25lld|", LLONG_MIN);
  T("%-25llu|", ULLONG_MAX);
  T("%025lld|", LLONG_MIN);
  T("%zu", (size_t) 0);
  T("%zu", (size_t) 123456);
  T("%zu", (size_t) SIZE_MAX);
  T("%zx", (size_t) SIZE_MAX);
  T("%zd", (ssize_t) -5);
  T("%8zu|", sizeof(double));
  T("%jd", (intmax_t) INT64_MIN);
  T("%ju", (uintmax_t) UINT64_MAX);
  T("%td", (ptrdiff_t) -77);
  // Star width and precision.
  T("%*d|", 6, 42);
  T("%*d|", -6, 42);
  T("%-*d|", 6, 42);
  T("%.*d|", 4, 42);
  T("%.*d|", -4, 42);
  T("%*.*d|", 8, 4, -42);
  T("%*.*d|", -8, 4, 42);
  T("%0*d|", 7, -3);
  T("%*s|", 5, "ab");
  T("%-*s|", 5, "ab");
  T("%.*s|", 2, "abcdef");
  T("%.*s|", -1, "abcdef");
  T("%*.*s|", 6, 3, "abcdef");
  T("%.*s|", 0, "abc");
  // Characters.
  T("%c", 'A');
  T("%c%c%c", 'a', 'b', 'c');
  T("%5c|", 'x');
  T("%-5c|", 'x');
  T("[%c]", ' ');
  T("%c", 255);
  // Strings.
  T("%s", "");
  T("%s", "hello");
  T("%10s|", "hello");
  T("%-10s|", "hello");
  T("%.3s|", "hello");
  T("%.10s|", "hello");
  T("%10.3s|", "hello");
  T("%-10.3s|", "hello");
  T("%2s|", "hello");
  T("%s %s", "a", "b");
  TM("", "%s", nul);  // Mongoose: NULL prints nothing
  TM("          |", "%10s|", nul);
  TM("          |", "%-10s|", nul);
  T("%.3s|", nul);
  TM("|", "%.6s|", nul);
  T("%8.2s|", nul);
  // Pointers.
  T("%p", (void *) 0);
  T("%p", (void *) 0x1234);
  T("%p", (void *) &x);
  T("%20p|", (void *) 0x1234);
  T("%-20p|", (void *) 0x1234);
  T("%10p|", (void *) 0);
  T("%-10p|", (void *) 0);
  T("%p %p", (void *) 1, (void *) 0);
  TF(rt("%+p"), (void *) 0xabc);
  TF(rt("% p"), (void *) 0xabc);
  // Percent and plain text.
  T("%%");
  T("100%%");
  T("%%d %d %%", 5);
  T("no conversions at all");
  TF(rt("%-5%|"), 0);
  // Doubles, %f.
  T("%f", 0.0);
  T("%f", -0.0);
  T("%f", 0.1);
  T("%f", 1.0);
  T("%f", -1.5);
  T("%f", 3.14159265358979);
  T("%f", 123456789.0);
  T("%f", 1e300);
  T("%f", 1e-300);
  T("%f", DBL_MAX);
  T("%f", DBL_MIN);
  T("%f", 5e-324);
  TM("1", "%.0f", 0.5);  // Mongoose: half up above 0.1
  T("%.0f", 1.5);
  TM("3", "%.0f", 2.5);
  T("%.0f", 3.5);
  TM("-1", "%.0f", -0.5);
  TM("-3", "%.0f", -2.5);
  T("%.1f", 0.25);
  T("%.1f", 0.35);
  T("%.2f", 1.005);
  T("%.2f", 2.675);
  T("%.3f", 1.0005);
  T("%.20f", 0.1);
  T("%.40f", 1e-30);
  T("%.60f", 0.1);
  T("%#.0f", 1.0);
  T("%#.0f", 0.0);
  T("%10.2f|", 3.14159);
  T("%-10.2f|", 3.14159);
  T("%010.2f|", -3.14159);
  T("%+f", 1.0);
  T("% f", 1.0);
  T("%+.0f", 0.0);
  T("%+010.3f|", 2.5);
  T("%F", 1.5);
  T("%f", 1e15);
  TM("10.000000", "%f", 9.9999995);
  T("%.6f", 0.0000005);
  T("%.6f", 0.0000015);
  // Doubles, %e.
  T("%e", 0.0);
  T("%e", -0.0);
  T("%e", 1.0);
  T("%e", 123456.0);
  T("%e", 0.000123);
  T("%E", 0.000123);
  T("%e", 1e300);
  T("%e", 1e-300);
  T("%e", DBL_MAX);
  T("%e", 5e-324);
  T("%.0e", 1.5);
  T("%.0e", 2.5);
  T("%.2e", 9.999);
  T("%.2e", 9.994);
  T("%#.0e", 1.0);
  T("%15.3e|", -1234.5);
  T("%-15.3e|", 1234.5);
  T("%015.3e|", -1234.5);
  T("%+e", 1e100);
  T("%e", 1e-5);
  T("%.10e", 1.0 / 3);
  // Doubles, %g.
  T("%g", 0.0);
  T("%g", -0.0);
  T("%g", 0.1);
  T("%g", 1.0);
  T("%g", 100000.0);
  T("%g", 1000000.0);
  T("%g", 999999.5);
  T("%g", 0.0001);
  TM("0.00001", "%g", 0.00001);  // Mongoose's fixed range
  T("%g", 0.000123456789);
  T("%g", 123456789.0);
  T("%g", 1e300);
  T("%g", 1e-300);
  T("%g", DBL_MAX);
  T("%g", 5e-324);
  T("%g", 3.14159265358979);
  T("%G", 1e-10);
  T("%G", 1e20);
  T("%.0g", 12.0);
  T("%.1g", 0.95);
  T("%.2g", 99.5);
  T("%.3g", 3.14159);
  T("%.10g", 1.0 / 3);
  T("%.17g", 0.1);
  T("%#g", 1.0);
  T("%#g", 0.0);
  T("%#.3g", 100.0);
  T("%#.0g", 1.0);
  TM("  1.23e-04|", "%10.3g|", 0.0001234);
  T("%-10.3g|", 1234567.0);
  T("%010g|", -1.5);
  T("%+g", 2.0);
  T("% g", 2.0);
  T("%g", 1e-4);
  TM("0.000099999", "%g", 9.9999e-5);
  // Mongoose's own expectations (its unit test), where they differ from C.
  TM("0.2", "%.1f", 0.15);
  TM("-0.00001", "%g", -0.00001);
  TM("300 70000", "%hhu %hu", 300, 70000);
  // ... and where they agree with C.
  T("%.1f", 1.15);
  T("%.2f", 0.015);
  T("%.1f", 0.155);
  T("%.2f", 0.0015);
  T("%.4f", 123.123456789);
  T("%g", 0.000001);
  T("%g", 44556677.0);
  // Mongoose's output is malformed here: C's is kept.
  T("%05d", -42);   // Mongoose: 00-42
  T("%g", 1e100);   // Mongoose: 1e+10
  T("%.0f", 1.0);   // Mongoose: "1."
  T("%.1g", 12345.678);  // Mongoose: 17345
  T("%X", 255u);    // Mongoose: ff
  T("%f", 1e30);    // Mongoose: cut at 39 characters
  // Infinity and NaN.
  T("%f", INFINITY);
  T("%f", -INFINITY);
  T("%F", INFINITY);
  T("%e", INFINITY);
  T("%E", -INFINITY);
  T("%g", INFINITY);
  T("%G", INFINITY);
  T("%f", NAN);
  T("%F", NAN);
  T("%e", NAN);
  T("%g", NAN);
  T("%G", NAN);
  T("%f", -NAN);
  T("%10f|", INFINITY);
  T("%-10f|", -INFINITY);
  T("%010f|", INFINITY);
  T("%010f|", NAN);
  T("%+f", INFINITY);
  T("% f", INFINITY);
  T("%+f", NAN);
  T("%.3f", INFINITY);
  // Hexadecimal floating point and long double.
  T("%a", 1.0);
  T("%a", -0.1);
  T("%A", 255.5);
  T("%a", 0.0);
  T("%a", 5e-324);
  T("%a", DBL_MAX);
  T("%.0a", 1.5);
  T("%.1a", 1.96875);
  T("%.20a", 1.0);
  T("%#a", 1.0);
  T("%015a|", -3.0);
  T("%Lf", 1.5L);
  T("%.3Le", -2.25L);
  T("%Lg|%d", 100000.0L, 7);
  // Mixed arguments.
  T("%d %s %c %f %x %p %lld %zu", -1, "str", 'c', 2.5, 255u, (void *) 0x10,
    LLONG_MIN, (size_t) 7);
  TM("a=1&b=0.13", "%s=%d&%s=%.2f", "a", 1, "b", 0.125);
  T("[%5s][%-5d][%05.1f]", "ab", 3, 2.25);
  T("%lu %ld %llu %hu %hhu", 1UL, -1L, 2ULL, (unsigned short) 3,
    (unsigned char) 4);
  T("%.3s%.3s", "abcdef", "ghijkl");
  T("%g %g %g", 1.0, 10.0, 100.0);
  T("%x %X %o %u %d %i", 10u, 10u, 10u, 10u, 10, 10);
}

// Our %f and %g rules (see src/fmt.rs), built from snprintf's pieces: %f
// above 0.1 adds half a unit of the last digit and cuts the exact digits;
// %g with a precision P > 1 is fixed for exponents in (-P, P). Everything
// else is the C library's output.
static void ref_double(char *out, size_t len, const char *flags, int prec,
                       char conv, double v, const char *fmt) {
  char tmp[700];
  int alt = strchr(flags, '#') != NULL, P = prec < 0 ? 6 : prec;
  double a = fabs(v);
  size_t n, pad, w = 0;
  const char *sign = signbit(v) ? "-" : strchr(flags, '+') ? "+"
                                      : strchr(flags, ' ') ? " "
                                                           : "";
  const char *p = fmt + 2 + strlen(flags);
  while (*p >= '0' && *p <= '9') w = w * 10 + (size_t) (*p++ - '0');
  if (!isfinite(v)) {
    snprintf(out, len, fmt, v);
    return;
  }
  if (conv == 'f' || conv == 'F') {
    if (a > 0.1) {
      double half = 0.5;
      char *dot;
      int i;
      for (i = 0; i < P; i++) half /= 10;
      snprintf(tmp, sizeof(tmp), "%.*f", P + 30, a + half);
      dot = strchr(tmp, '.');
      dot[P == 0 ? (alt ? 1 : 0) : P + 1] = '\0';
    } else {
      snprintf(tmp, sizeof(tmp), alt ? "%#.*f" : "%.*f", P, a);
    }
  } else {
    int G = P == 0 ? 1 : P, X, cfixed, ours;
    snprintf(tmp, sizeof(tmp), "%.*e", G - 1, a);
    X = atoi(strchr(tmp, 'e') + 1);
    cfixed = X >= -4 && X < G;
    ours = X > -G && X < G;
    if (G == 1 || a == 0 || cfixed == ours) {
      snprintf(out, len, fmt, v);
      return;
    }
    if (ours) {
      snprintf(tmp, sizeof(tmp), alt ? "%#.*f" : "%.*f", G - 1 - X, a);
      if (!alt && strchr(tmp, '.') != NULL) {
        n = strlen(tmp);
        while (tmp[n - 1] == '0') tmp[--n] = '\0';
        if (tmp[n - 1] == '.') tmp[--n] = '\0';
      }
    } else {
      char *e;
      snprintf(tmp, sizeof(tmp), alt ? "%#.*e" : "%.*e", G - 1, a);
      e = strchr(tmp, 'e');
      if (!alt && strchr(tmp, '.') != NULL) {
        char *q = e;
        while (q[-1] == '0') q--;
        if (q[-1] == '.') q--;
        memmove(q, e, strlen(e) + 1);
      }
    }
    if (conv == 'G')
      for (n = 0; tmp[n] != '\0'; n++) tmp[n] = (char) toupper(tmp[n]);
  }
  // Assembled by hand: [ padding sign zeros digits padding ].
  n = strlen(sign) + strlen(tmp);
  pad = w > n ? w - n : 0;
  (void) len;
  out[0] = '[', out[1] = '\0';
  if (strchr(flags, '-') == NULL && strchr(flags, '0') == NULL)
    memset(out + 1, ' ', pad), out[1 + pad] = '\0';
  strcat(out, sign);
  if (strchr(flags, '-') == NULL && strchr(flags, '0') != NULL) {
    size_t at = strlen(out);
    memset(out + at, '0', pad), out[at + pad] = '\0';
  }
  strcat(out, tmp);
  if (strchr(flags, '-') != NULL) {
    size_t at = strlen(out);
    memset(out + at, ' ', pad), out[at + pad] = '\0';
  }
  strcat(out, "]");
}

// Flag, width and precision combinations built at run time.
static void test_combinations(void) {
  static const char *flags[] = {"", "-", "+", " ", "0", "#", "-+", "0+",
                                "# ", "-#0", "+ 0"};
  static const char *widths[] = {"", "1", "8", "25"};
  static const char *precs[] = {"", ".", ".0", ".3", ".12"};
  static const int ints[] = {0, 1, -1, 42, -4242, INT_MIN, INT_MAX};
  static const char iconv[] = "diuxXo";
  static const double dbls[] = {0.0, -0.0, 0.1, 0.5, 1.5, 2.5, -1.0 / 3,
                                123456789.0, 1e300, 1e-300, 1e-5, 999999.5,
                                0.0000999995, 9.9999995, 99999.95, 9.5,
                                0.95, 1e22, 1e23, 9.999995e15, INFINITY,
                                -INFINITY, NAN};
  static const char dconv[] = "feEgGaA";
  size_t f, w, p, c, v;
  char fmt[40];
  for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
    for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
      for (p = 0; p < sizeof(precs) / sizeof(precs[0]); p++) {
        for (c = 0; iconv[c] != '\0'; c++) {
          for (v = 0; v < sizeof(ints) / sizeof(ints[0]); v++) {
            snprintf(fmt, sizeof(fmt), "[%%%s%s%s%c]", flags[f], widths[w],
                     precs[p], iconv[c]);
            TF(fmt, ints[v]);
          }
          snprintf(fmt, sizeof(fmt), "[%%%s%s%sll%c]", flags[f], widths[w],
                   precs[p], iconv[c]);
          TF(fmt, LLONG_MIN);
          TF(fmt, (long long) ULLONG_MAX);
        }
        for (c = 0; dconv[c] != '\0'; c++) {
          for (v = 0; v < sizeof(dbls) / sizeof(dbls[0]); v++) {
            snprintf(fmt, sizeof(fmt), "[%%%s%s%s%c]", flags[f], widths[w],
                     precs[p], dconv[c]);
            if (strchr("fFgG", dconv[c]) != NULL) {
              char want[700], got[700];
              int prec = precs[p][0] == '\0' ? -1 : atoi(precs[p] + 1);
              size_t ng = mg_snprintf(got, sizeof(got), fmt, dbls[v]);
              ref_double(want, sizeof(want), flags[f], prec, dconv[c],
                         dbls[v], fmt);
              compare(fmt, want, (int) strlen(want), got, ng);
            } else {
              TF(fmt, dbls[v]);
            }
          }
        }
        snprintf(fmt, sizeof(fmt), "[%%%s%s%ss]", flags[f], widths[w],
                 precs[p]);
        TF(fmt, "hello");
        TF(fmt, "");
      }
    }
  }
}

static void test_truncation(void) {
  char buf[8];
  size_t n;
  memset(buf, 'x', sizeof(buf));
  n = mg_snprintf(buf, sizeof(buf), "%s", "0123456789");
  CHECK(n == 10);
  CHECK_STR(buf, "0123456");
  memset(buf, 'x', sizeof(buf));
  n = mg_snprintf(buf, 3, "%d", 12345);
  CHECK(n == 5);
  CHECK_STR(buf, "12");
  CHECK(buf[3] == 'x');
  memset(buf, 'x', sizeof(buf));
  n = mg_snprintf(buf, 1, "abc");
  CHECK(n == 3);
  CHECK(buf[0] == '\0' && buf[1] == 'x');
  memset(buf, 'x', sizeof(buf));
  n = mg_snprintf(buf, 0, "abc");
  CHECK(n == 3);
  CHECK(buf[0] == 'x');
  n = mg_snprintf(buf, sizeof(buf), "1234567");
  CHECK(n == 7);
  CHECK_STR(buf, "1234567");
  // Measuring.
  CHECK(mg_snprintf(NULL, 0, "%s-%d", "abc", 12345) == 9);
  CHECK(mg_snprintf(NULL, 0, "") == 0);
  CHECK(mg_snprintf(NULL, 0, "%.3f", 1e10) == 15);
}

static size_t pr_two(mg_pfn_t out, void *arg, va_list *ap) {
  int a = va_arg(*ap, int);
  const char *s = va_arg(*ap, const char *);
  return mg_xprintf(out, arg, "%d/%s", a, s);
}

static size_t pr_raw(mg_pfn_t out, void *arg, va_list *ap) {
  const char *s = va_arg(*ap, const char *);
  size_t n = 0;
  while (s[n] != '\0') out(s[n++], arg);
  return n;
}

static void test_printers(void) {
  char buf[200];
  uint8_t data[] = {0x00, 0x01, 0x7f, 0xab, 0xff};
  uint32_t ip4 = MG_IPV4(192, 168, 0, 1);
  uint8_t ip6[16] = MG_IPV6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
  uint8_t lo6[16] = MG_IPV6(0, 0, 0, 0, 0, 0, 0, 1);
  uint8_t mac[6] = {0x00, 0x11, 0xaa, 0xbb, 0xcc, 0xff};
  struct mg_addr a;
  mg_pm_t pm = pr_two;
  size_t n;

  // A custom printer that pulls two arguments; the rest still line up.
  n = mg_snprintf(buf, sizeof(buf), "<%M> %d", pm, 7, "seven", 8);
  CHECK_STR(buf, "<7/seven> 8");
  CHECK(n == 11);
  n = mg_snprintf(buf, sizeof(buf), "%m,%s", pr_two, 1, "x", "end");
  CHECK_STR(buf, "\"1/x\",end");
  CHECK(n == 9);
  n = mg_snprintf(buf, sizeof(buf), "%M%M", pr_raw, "ab", pr_raw, "cd");
  CHECK_STR(buf, "abcd");
  CHECK(n == 4);
  // Measuring and truncating through a printer.
  CHECK(mg_snprintf(NULL, 0, "%M", pr_two, 123, "abc") == 7);
  n = mg_snprintf(buf, 4, "%M", pr_two, 123, "abc");
  CHECK(n == 7);
  CHECK_STR(buf, "123");

  // JSON escaping.
  mg_snprintf(buf, sizeof(buf), "%m", MG_ESC("a\"b\n"));
  CHECK_STR(buf, "\"a\\\"b\\n\"");
  mg_snprintf(buf, sizeof(buf), "%M", MG_ESC("\\ \b\f\r\t/"));
  CHECK_STR(buf, "\\\\ \\b\\f\\r\\t/");
  mg_snprintf(buf, sizeof(buf), "%M", MG_ESC("\x01\x1f"));
  CHECK_STR(buf, "\\u0001\\u001f");
  mg_snprintf(buf, sizeof(buf), "{%m:%d}", MG_ESC("key"), 1);
  CHECK_STR(buf, "{\"key\":1}");
  n = mg_snprintf(buf, sizeof(buf), "%M", mg_print_esc, 3, "abcdef");
  CHECK_STR(buf, "abc");
  CHECK(n == 3);
  n = mg_snprintf(buf, sizeof(buf), "[%m]", mg_print_esc, 0, NULL);
  CHECK_STR(buf, "[\"\"]");
  CHECK(n == 4);

  // Encoders.
  mg_snprintf(buf, sizeof(buf), "%M", mg_print_base64, 6, "foobar");
  CHECK_STR(buf, "Zm9vYmFy");
  mg_snprintf(buf, sizeof(buf), "%M|%M", mg_print_base64, 1, "f",
              mg_print_base64, 2, "fo");
  CHECK_STR(buf, "Zg==|Zm8=");
  mg_snprintf(buf, sizeof(buf), "%m", mg_print_base64, (int) sizeof(data),
              data);
  CHECK_STR(buf, "\"AAF/q/8=\"");
  n = mg_snprintf(buf, sizeof(buf), "%M", mg_print_hex, (int) sizeof(data),
                  data);
  CHECK_STR(buf, "00017fabff");
  CHECK(n == 10);
  mg_snprintf(buf, sizeof(buf), "%M.", mg_print_hex, 0, data);
  CHECK_STR(buf, ".");

  // Addresses.
  n = mg_snprintf(buf, sizeof(buf), "%M", mg_print_ip4, &ip4);
  CHECK_STR(buf, "192.168.0.1");
  CHECK(n == 11);
  mg_snprintf(buf, sizeof(buf), "%M", mg_print_ip6, ip6);
  CHECK_STR(buf, "[2001:db8:0:0:0:0:0:1]");
  mg_snprintf(buf, sizeof(buf), "%M", mg_print_ip6, lo6);
  CHECK_STR(buf, "[0:0:0:0:0:0:0:1]");
  memset(&a, 0, sizeof(a));
  a.addr.ip4 = MG_IPV4(10, 0, 0, 254);
  a.port = mg_htons(8080);
  mg_snprintf(buf, sizeof(buf), "%M", mg_print_ip, &a);
  CHECK_STR(buf, "10.0.0.254");
  n = mg_snprintf(buf, sizeof(buf), "%M %d", mg_print_ip_port, &a, 7);
  CHECK_STR(buf, "10.0.0.254:8080 7");
  CHECK(n == 17);
  memcpy(a.addr.ip, ip6, sizeof(ip6));
  a.is_ip6 = true;
  a.port = mg_htons(443);
  mg_snprintf(buf, sizeof(buf), "%M", mg_print_ip, &a);
  CHECK_STR(buf, "[2001:db8:0:0:0:0:0:1]");
  mg_snprintf(buf, sizeof(buf), "%M", mg_print_ip_port, &a);
  CHECK_STR(buf, "[2001:db8:0:0:0:0:0:1]:443");
  mg_snprintf(buf, sizeof(buf), "%M", mg_print_mac, mac);
  CHECK_STR(buf, "00:11:aa:bb:cc:ff");

  // NULL arguments to printers print nothing and do not crash.
  n = mg_snprintf(buf, sizeof(buf), "<%M>", mg_print_ip, NULL);
  CHECK_STR(buf, "<>");
  CHECK(n == 2);
  n = mg_snprintf(buf, sizeof(buf), "<%M>", mg_print_mac, NULL);
  CHECK_STR(buf, "<>");
}

struct collect {
  char buf[100];
  size_t len;
};

static void collect_fn(char ch, void *arg) {
  struct collect *c = (struct collect *) arg;
  if (c->len + 1 < sizeof(c->buf)) c->buf[c->len++] = ch, c->buf[c->len] = 0;
}

static int s_err_events;
static char s_err_msg[100];

static void err_handler(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_ERROR) {
    s_err_events++;
    snprintf(s_err_msg, sizeof(s_err_msg), "%s", (char *) ev_data);
    CHECK(c->is_closing);
  }
}

static void test_outputs(void) {
  struct collect col = {{0}, 0};
  struct mg_iobuf io = {NULL, 0, 0, 0};
  struct mg_connection c;
  char *s;
  size_t n;

  // mg_xprintf with a custom output function.
  n = mg_xprintf(collect_fn, &col, "%s=%d%c", "x", 42, '!');
  CHECK(n == 5);
  CHECK_STR(col.buf, "x=42!");
  CHECK(mg_xprintf(collect_fn, &col, "") == 0);

  // mg_pfn_iobuf grows the buffer and keeps it NUL-terminated.
  n = mg_xprintf(mg_pfn_iobuf, &io, "%s-%05d", "abc", 42);
  CHECK(n == 9);
  CHECK(io.len == 9);
  CHECK(io.size > io.len);
  CHECK_STR((char *) io.buf, "abc-00042");
  mg_xprintf(mg_pfn_iobuf, &io, "%s", "+more");
  CHECK_STR((char *) io.buf, "abc-00042+more");
  free(io.buf);

  // mg_mprintf: heap memory the caller frees with free().
  s = mg_mprintf("%s:%d:%.1f", "mp", 3, 0.25);
  CHECK_STR(s, "mp:3:0.2");
  free(s);
  s = mg_mprintf("");
  CHECK_STR(s, "");
  free(s);
  s = mg_mprintf("%0300d", 1);
  CHECK(s != NULL && strlen(s) == 300 && s[299] == '1');
  free(s);

  // mg_printf on a NULL connection returns 0 and does not crash.
  CHECK(mg_printf(NULL, "%d", 1) == 0);
  // mg_printf appends to c->send.
  memset(&c, 0, sizeof(c));
  CHECK(mg_printf(&c, "GET %s HTTP/1.%d\r\n", "/", 1) == 16);
  CHECK(mg_printf(&c, "%s", "") == 0);
  CHECK(mg_printf(&c, "Host: %M\r\n", mg_print_ip_port, &c.rem) == 17);
  CHECK(c.send.len == 33);
  CHECK(memcmp(c.send.buf, "GET / HTTP/1.1\r\nHost: 0.0.0.0:0\r\n", 33) == 0);
  free(c.send.buf);

  // mg_error: logs, marks the connection closing and sends MG_EV_ERROR.
  memset(&c, 0, sizeof(c));
  c.id = 77;
  c.fn = err_handler;
  col.len = 0, col.buf[0] = '\0';
  mg_log_set(MG_LL_ERROR);
  mg_log_set_fn(collect_fn, &col);
  mg_error(&c, "boom %d", 42);
  mg_log_set_fn(NULL, NULL);
  CHECK(s_err_events == 1);
  CHECK_STR(s_err_msg, "boom 42");
  CHECK(c.is_closing);
  CHECK(strstr(col.buf, "77") != NULL);
  CHECK(strstr(col.buf, "boom 42\r\n") != NULL);
  mg_error(NULL, "no connection %d", 1);  // Must not crash.
}

static void test_edge_cases(void) {
  char buf[64];
  // Unknown conversions are printed as they are, consuming no argument.
  mg_snprintf(buf, sizeof(buf), "%y|%5k|%d", 3);
  CHECK_STR(buf, "%y|%5k|3");
  // A lone % at the end prints nothing.
  CHECK(mg_snprintf(buf, sizeof(buf), "abc%") == 3);
  CHECK_STR(buf, "abc");
  // NULL format.
  buf[0] = 'x';
  CHECK(mg_snprintf(buf, sizeof(buf), NULL) == 0);
  CHECK_STR(buf, "");
  CHECK(mg_xprintf(NULL, NULL, "abc") == 0);
  // NULL iobuf for mg_pfn_iobuf.
  mg_pfn_iobuf('a', NULL);
}

int main(void) {
  mg_log_set(MG_LL_NONE);
  test_table();
  test_combinations();
  test_truncation();
  test_printers();
  test_outputs();
  mg_log_set(MG_LL_NONE);
  test_edge_cases();
  printf("test_printf: %d snprintf comparisons\n", s_cases);
  return test_summary("test_printf");
}
