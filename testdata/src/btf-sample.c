/* A small kernel-style C file for encoder and byte-order fixtures. */
typedef unsigned int u32;
typedef unsigned long long u64;
enum state { S_IDLE, S_RUN = 4, S_NEG = -1 };
enum big { B_HUGE = 0x1234567890ULL };
struct list { struct list *next, *prev; };
struct flags { unsigned int a : 3, b : 5; int c : 7; u64 d; };
union val { int i; float f; char bytes[4]; };
struct item {
	struct list node;
	const volatile u32 *cursor;
	enum state st;
	enum big b;
	union val v;
	struct flags fl;
	int (*cb)(struct item *, void *, ...);
	char name[16][2];
	double weight;
	_Bool on;
};
struct item global_item;
static int helper(struct item *it, int x) { return it->name[0][0] + x; }
int api(struct item *it, long n) { return helper(it, (int)n) + it->st; }
