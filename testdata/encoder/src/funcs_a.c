/* Functions: global, static with an ELF symbol, varargs, and a static name reused with another prototype in funcs_b.c. */
#include <stdarg.h>

struct pair { long a, b; };

__attribute__((noinline)) static int helper(int x)
{
	return x * 3 + 1;
}

__attribute__((noinline)) static long shared_name(long v, int k)
{
	return v << k;
}

int sum_all(int n, ...)
{
	va_list ap;
	int s = 0;

	va_start(ap, n);
	while (n--)
		s += va_arg(ap, int);
	va_end(ap);
	return s;
}

long use_pair(struct pair p, int scale)
{
	return (p.a + p.b) * scale + helper(scale) + shared_name(p.a, scale);
}

__attribute__((noinline)) static int unused_param(int used, int unused)
{
	return used + 1;
}

int call_unused(int x)
{
	return unused_param(x, 42) + unused_param(x + 1, 42);
}
