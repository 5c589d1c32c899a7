/* Per-CPU variables (section .data..percpu), ordinary globals, and a kfunc set in .BTF_ids. */
struct stats { unsigned long packets, bytes; };

__attribute__((section(".data..percpu"))) struct stats pcpu_stats;
__attribute__((section(".data..percpu"))) static int pcpu_counter;
__attribute__((section(".data..percpu"))) unsigned long pcpu_array[4];
int plain_global = 3;
static int plain_static;

int bump(int v)
{
	pcpu_counter += v;
	plain_static += v;
	pcpu_array[v & 3]++;
	pcpu_stats.packets++;
	return pcpu_counter + plain_static;
}

__attribute__((noinline)) int my_kfunc(struct stats *s, int v)
{
	return (int)s->bytes + v;
}

__attribute__((noinline)) int my_fast_kfunc(int v)
{
	return v * 2;
}

asm(".pushsection .BTF_ids,\"a\"\n"
    "__BTF_ID__set8__my_set:\n"
    ".zero 4\n"
    ".long 1\n"
    "__BTF_ID__func__my_kfunc__1:\n"
    ".zero 4\n"
    ".long 0\n"
    "__BTF_ID__func__my_fast_kfunc__2:\n"
    ".zero 4\n"
    ".long 4096\n"
    ".size __BTF_ID__set8__my_set, .-__BTF_ID__set8__my_set\n"
    ".popsection\n");
