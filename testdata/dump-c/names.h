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

enum state {
	ST_ON = 1,
	ST_OFF = 0,
};

enum state2 {
	ST_ON___2 = 5,
	OTHER = 6,
};

typedef char dup_t;

typedef int dup_t___2;

struct dup {
	int x;
};

struct dup___2 {
	char c;
};

struct dup___3 {
	int x;
	int y;
};

struct user {
	struct dup___3 *d;
};

struct fwd_s;

union fwd_u;


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
