/* Kernel-style C for the DWARF reader fixtures: no headers, the shapes an encoder meets in a module. */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;

struct list_head {
	struct list_head *next, *prev;
};

enum dev_state {
	DEV_DOWN = 0,
	DEV_UP = 1,
	DEV_GONE = -1,
};

enum wide_flags {
	WIDE_LOW = 1ULL,
	WIDE_HIGH = 0x8000000000000000ULL,
	WIDE_MASK = 0xffffffff00000000ULL,
};

union reg_view {
	u32 raw;
	struct {
		u32 enable : 1;
		u32 mode : 3;
		u32 : 4;
		u32 count : 24;
	} bits;
	u8 bytes[4];
};

typedef int (*handler_fn)(void *ctx, const char *name, unsigned long flags);

struct ops {
	handler_fn open;
	void (*release)(struct ops *self);
	long (*ioctl)(void *, unsigned int, unsigned long);
};

struct packed_hdr {
	u8 type;
	u16 len;
	u32 seq;
} __attribute__((packed));

struct device_like {
	const char *name;
	struct list_head node;
	volatile u32 status;
	const struct ops *ops;
	enum dev_state state;
	union reg_view reg;
	unsigned int flag_a : 1;
	unsigned int flag_b : 2;
	unsigned int flag_c : 5;
	u64 wide_bits : 40;
	int matrix[3][4];
	char tag[16];
	struct packed_hdr hdr;
	void *priv;
	u8 tail[];
};

struct device_like global_dev = {
	.name = "kstyle0",
	.state = DEV_UP,
};

static struct device_like *static_dev_ptr;

int kstyle_counter;
int kstyle_second = 5;
static int kstyle_hits;

const volatile u64 kstyle_limits[2][2] = { { 1, 2 }, { 3, 4 } };

static int local_open(void *ctx, const char *name, unsigned long flags)
{
	struct device_like *d = ctx;

	if (!d || !name)
		return -22;
	d->status |= (u32)flags;
	d->flag_b = 2;
	kstyle_counter++;
	return d->matrix[1][2] + (int)d->hdr.len;
}

static void local_release(struct ops *self)
{
	(void)self;
	static_dev_ptr = 0;
}

const struct ops kstyle_ops = {
	.open = local_open,
	.release = local_release,
};

__attribute__((noinline)) int kstyle_probe(struct device_like *dev, enum wide_flags wf, s64 delta)
{
	int i, acc = 0;

	static_dev_ptr = dev;
	kstyle_hits++;
	for (i = 0; i < 16 && dev->tag[i]; i++)
		acc += dev->tag[i] * (int)(delta >> i);
	if (wf & WIDE_HIGH)
		acc ^= 0x5a;
	dev->ops = &kstyle_ops;
	return acc + kstyle_ops.open(dev, dev->name, (unsigned long)wf);
}

void kstyle_exit(void)
{
	kstyle_ops.release((struct ops *)&kstyle_ops);
	global_dev.state = DEV_GONE;
	kstyle_second = kstyle_hits;
}
