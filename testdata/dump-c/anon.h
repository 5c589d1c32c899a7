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

enum {
	MMM_MIDDLE = 5,
};

enum {
	ZZZ_LAST = 9,
};

typedef enum {
	F_A = 1,
	F_B = 2,
} __attribute__((mode(byte))) flags_t;

typedef struct {
	int a;
	char b;
} pair_t;

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


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
