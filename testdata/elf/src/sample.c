/* Small translation unit for the ELF reader/writer fixtures: data, functions, relocations, macros. */
#define SAMPLE_VERSION 3
#define SAMPLE_NAME "sample"

struct point {
	int x;
	int y;
	const char *label;
};

static int counter;
int shared_value = SAMPLE_VERSION;
const char *sample_name = SAMPLE_NAME;
struct point origin = { 0, 0, "origin" };
long big_table[64];
__thread int per_thread;

static int bump(int by)
{
	counter += by;
	return counter;
}

int add_points(const struct point *a, const struct point *b)
{
	return a->x + b->x + a->y + b->y + bump(1);
}

const char *label_of(const struct point *p)
{
	return p->label ? p->label : sample_name;
}

__attribute__((section(".init.text"))) int sample_init(void)
{
	big_table[0] = shared_value;
	per_thread = 1;
	return add_points(&origin, &origin);
}
