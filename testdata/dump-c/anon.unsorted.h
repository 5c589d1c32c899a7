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

typedef struct {
	int a;
	char b;
} pair_t;

typedef enum {
	F_A = 1,
	F_B = 2,
} __attribute__((mode(byte))) flags_t;

struct holder {
	enum {
		RED = 0,
		GREEN = 1,
	} color;
	union {
		long unsigned int raw;
		struct {
			unsigned int lo;
			unsigned int hi;
		};
	};
	struct {
		int v;
	} pairs[2];
	struct {
		pair_t p;
		int q;
		long: 0;
	} *dyn;
	pair_t pair;
	flags_t flags;
};

enum {
	ZZZ_LAST = 9,
};

enum {
	AAA_FIRST = 1,
	AAA_SECOND = 2,
};

enum {
	MMM_MIDDLE = 5,
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
