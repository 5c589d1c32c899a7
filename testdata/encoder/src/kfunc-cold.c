/* A kfunc whose symbol table also holds a `.cold` part, as gcc splits unlikely paths into. */
struct req { int len; };

__attribute__((noinline)) int my_kfunc(struct req *r, int v)
{
	return r->len + v;
}

__attribute__((noinline)) int my_fast_kfunc(int v)
{
	return v * 2;
}

int caller(struct req *r)
{
	return my_kfunc(r, 1) + my_fast_kfunc(2);
}

/* The cold part, named as gcc names it (a local function symbol). */
asm(".pushsection .text.unlikely,\"ax\",@progbits\n"
    ".type my_kfunc.cold, @function\n"
    "my_kfunc.cold:\n"
    "ret\n"
    ".size my_kfunc.cold, .-my_kfunc.cold\n"
    ".popsection\n");

asm(".pushsection .BTF_ids,\"a\"\n"
    "__BTF_ID__set8__my_set:\n"
    ".zero 4\n"
    ".long 1\n"
    "__BTF_ID__func__my_kfunc__1:\n"
    ".zero 4\n"
    ".long 0\n"
    "__BTF_ID__func__my_fast_kfunc__2:\n"
    ".zero 4\n"
    ".long 0\n"
    ".size __BTF_ID__set8__my_set, .-__BTF_ID__set8__my_set\n"
    ".popsection\n");
