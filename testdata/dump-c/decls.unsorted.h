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

typedef int fn_t(int x);

typedef void (*cb_t)(void *ctx, long unsigned int n);

struct decls {
	int (*fn)(int a, char *s);
	void (*handlers[4])(void);
	int (* (*getter)(void))(int);
	char *names[8];
	int (*pa)[10];
	int m[3][4];
	const int carr[2];
	int (*printf_fn)(const char *fmt, ...);
	fn_t *fp;
	cb_t cb;
	char * const *ppc;
	volatile int * const cpv;
	int __attribute__((btf_type_tag("user"))) *up;
	volatile const int cvi;
	char * restrict rp;
	const void *cp;
	_Bool ok;
	double d;
	char flex[0];
};

struct wide {
	__int128 s;
	__int128 unsigned u;
	long double ld;
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
