/* Types pahole encodes: base types, bitfields, arrays, enums, unions, forward declarations, qualifiers, prototypes. */
#include <stdarg.h>
#include <stdbool.h>

struct opaque;
union opaque_u;

enum small { S_A = 1, S_B = 2 };
enum negative { N_MINUS = -1, N_PLUS = 5 };
enum wide { W_BIG = 0x100000000ULL, W_SMALL = 1 };
enum wide_neg { WN_MIN = -0x100000000LL, WN_ONE = 1 };

typedef unsigned long ulong_t;
typedef int (*callback_t)(const char *fmt, ...);

struct bits {
	unsigned int a : 3;
	unsigned int b : 5;
	int c : 7;
	unsigned long long d : 40;
	bool flag : 1;
	char tail;
};

union u {
	int i;
	float f;
	double d;
	long double ld;
	unsigned char raw[16];
};

struct everything {
	bool b;
	char c;
	signed char sc;
	unsigned char uc;
	short s;
	unsigned short us;
	int i;
	unsigned int ui;
	long l;
	unsigned long ul;
	long long ll;
	unsigned long long ull;
	__int128 i128;
	unsigned __int128 u128;
	float f;
	double d;
	long double ld;
	int matrix[3][4][5];
	char name[16];
	int zero[0];
	const volatile int *cvp;
	int *restrict rp;
	struct opaque *op;
	union opaque_u *oup;
	enum small e1;
	enum negative e2;
	enum wide e3;
	enum wide_neg e4;
	struct bits bf;
	union u un;
	ulong_t ut;
	callback_t cb;
	void (*fp)(int, long);
	struct { int x, y; } anon;
	union { int ai; char ac; };
	int flex[];
};

struct everything global_everything;

int use_callback(callback_t cb, ...)
{
	va_list ap;
	int r;

	va_start(ap, cb);
	r = cb("%d", va_arg(ap, int));
	va_end(ap);
	return r;
}

struct everything *get_everything(void)
{
	return &global_everything;
}
