/* Clang annotations: btf_decl_tag on types, members, functions, parameters and variables, and
 * btf_type_tag on pointers, as the kernel's __user, __rcu and __kfunc-style markers use them. */
#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __user __attribute__((btf_type_tag("user")))
#define __rcu __attribute__((btf_type_tag("rcu")))

struct __tag("ctx") sample {
	int a __tag("counter");
	char __user *buf;
	struct sample __rcu *next;
	long b;
};

typedef struct sample sample_t __tag("alias");

union __tag("u") either {
	int i;
	float f __tag("real");
};

struct plain {
	int x;
	int *y;
};

int shared __tag("global") = 3;
__attribute__((section(".data..percpu"))) int per_cpu_hits __tag("percpu");

__attribute__((noinline)) int __tag("kfunc") sample_get(struct sample *s __tag("arg"), int __user *p)
{
	return s->a + (p != 0) + shared + per_cpu_hits;
}

__attribute__((noinline)) int use_either(union either *e, sample_t *t, struct plain *q)
{
	return e->i + t->a + q->x;
}
