#ifndef __VMLINUX_H__
#define __VMLINUX_H__

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
#endif

#ifndef __ksym
#define __ksym __attribute__((section(".ksyms")))
#endif

#ifndef __weak
#define __weak __attribute__((weak))
#endif

enum e64 {
	E_LOW = 1ULL,
	E_HIGH = 1311768467463790320ULL,
};

enum e64_small_values {
	E_S = 7ULL,
} __attribute__((mode(word)));

enum e64s {
	E_MIN = -9223372036854775808LL,
	E_ONE = 1LL,
};

enum neg {
	NEG = -5,
	POS = 5,
};

enum small {
	S0 = 0,
	S1 = 1,
} __attribute__((mode(byte)));

enum wide32 {
	W0 = 0,
	W1 = 1,
} __attribute__((mode(word)));

struct bits {
	unsigned int a: 3;
	unsigned int b: 5;
	int c: 10;
	unsigned char d;
	long unsigned int e: 40;
	int f: 2;
};

struct cacheline {
	int a;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
	int b;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
};

struct empty {};

struct gaps {
	unsigned int a: 4;
	char: 4;
	char: 4;
	unsigned int b: 4;
	long unsigned int c;
};

struct packed_s {
	char c;
	int i;
} __attribute__((packed));

struct packed_tail {
	long unsigned int l;
	char c;
} __attribute__((packed));

struct padded {
	char c;
	long: 64;
	long int l;
	short unsigned int s;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
};

struct realign {
	unsigned int a: 1;
	int: 31;
	unsigned int b: 1;
};

struct sized_empty {
	long: 64;
};

union u_pad {
	int i;
	char c;
};

struct uses_cacheline {
	char x;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
	long: 64;
	struct cacheline line;
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
