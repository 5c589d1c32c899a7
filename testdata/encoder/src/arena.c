/* kfuncs whose BTF_SET8_KFUNCS flags ask for arena pointers (KF_ARENA_RET, _ARG1, _ARG2): with the
 * attributes feature their pointer return and first two pointer parameters get an
 * address_space(1) type tag. */
struct page { unsigned long flags; };

__attribute__((noinline)) struct page *arena_alloc(struct page *hint, long *cnt, int node)
{
	*cnt += node;
	return hint + 1;
}

__attribute__((noinline)) void *arena_first(int *a, void *b)
{
	return a ? (void *)a : b;
}

__attribute__((noinline)) int arena_none(struct page *p)
{
	return (int)p->flags;
}

/* KF_ARENA_RET | KF_ARENA_ARG1 | KF_ARENA_ARG2 = 0xe000; KF_ARENA_ARG2 alone = 0x8000. */
asm(".pushsection .BTF_ids,\"a\"\n"
    "__BTF_ID__set8__arena_set:\n"
    ".zero 4\n"
    ".long 1\n"
    "__BTF_ID__func__arena_alloc__1:\n"
    ".zero 4\n"
    ".long 0xe000\n"
    "__BTF_ID__func__arena_first__2:\n"
    ".zero 4\n"
    ".long 0x8000\n"
    "__BTF_ID__func__arena_none__3:\n"
    ".zero 4\n"
    ".long 0\n"
    ".size __BTF_ID__set8__arena_set, .-__BTF_ID__set8__arena_set\n"
    ".popsection\n");
