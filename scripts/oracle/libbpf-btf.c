/* Reference runner: applies libbpf's own BTF operations to raw BTF files, so that btfpost's
 * results can be compared with libbpf's on the same inputs. Built by build-oracle.sh against a
 * Debian libbpf; never part of btfpost itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

/* Declared here so the program builds with older libbpf headers (these exist since libbpf 1.5). */
int btf__distill_base(const struct btf *src_btf, struct btf **new_base_btf, struct btf **new_split_btf);
int btf__relocate(struct btf *btf, const struct btf *base_btf);

static int write_raw(const struct btf *btf, const char *path)
{
	__u32 sz;
	const void *data = btf__raw_data(btf, &sz);
	FILE *f = fopen(path, "wb");

	if (!data || !f || fwrite(data, 1, sz, f) != sz) {
		fprintf(stderr, "cannot write %s\n", path);
		return 1;
	}
	fclose(f);
	return 0;
}

static struct btf *load(const char *path, struct btf *base)
{
	struct btf *btf = base ? btf__parse_split(path, base) : btf__parse(path, NULL);

	if (!btf) {
		fprintf(stderr, "cannot parse %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return btf;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "dedup")) {
		/* dedup IN BASE|- OUT */
		struct btf *base = strcmp(argv[3], "-") ? load(argv[3], NULL) : NULL;
		struct btf *btf = load(argv[2], base);
		int err = btf__dedup(btf, NULL);

		if (err) {
			fprintf(stderr, "dedup failed: %d\n", err);
			return 3;
		}
		return write_raw(btf, argv[4]);
	}
	if (argc == 6 && !strcmp(argv[1], "distill")) {
		/* distill SPLIT BASE OUT_SPLIT OUT_DISTILLED */
		struct btf *base = load(argv[3], NULL);
		struct btf *btf = load(argv[2], base);
		struct btf *nb = NULL, *ns = NULL;
		int err = btf__distill_base(btf, &nb, &ns);

		if (err) {
			fprintf(stderr, "distill failed: %d\n", err);
			return 3;
		}
		return write_raw(ns, argv[4]) || write_raw(nb, argv[5]);
	}
	if (argc == 6 && !strcmp(argv[1], "relocate")) {
		/* relocate SPLIT DISTILLED NEWBASE OUT */
		struct btf *dist = load(argv[3], NULL);
		struct btf *nb = load(argv[4], NULL);
		struct btf *btf = load(argv[2], dist);
		int err = btf__relocate(btf, nb);

		if (err) {
			fprintf(stderr, "relocate failed: %d\n", err);
			return 3;
		}
		return write_raw(btf, argv[5]);
	}
	fprintf(stderr, "usage: libbpf-btf dedup IN BASE|- OUT | distill SPLIT BASE OUT_SPLIT OUT_DIST | relocate SPLIT DIST NEWBASE OUT\n");
	return 1;
}
