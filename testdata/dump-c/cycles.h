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

struct A;

struct C {
	struct A *back;
	long unsigned int n;
};

struct B;

struct A {
	struct B *b;
	struct C c;
	int x;
};

typedef struct A a_t;

typedef a_t *a_ptr_t;

struct B {
	struct A *a;
	int x;
};

struct list_head {
	struct list_head *next;
	struct list_head *prev;
};

struct node;

typedef struct node node_t;

struct ops;

struct node {
	struct list_head l;
	node_t *child;
	struct ops *ops;
};

struct ops {
	int (*cb)(struct ops *o, node_t n);
	struct ops *next;
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
