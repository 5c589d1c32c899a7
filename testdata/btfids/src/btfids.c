/* .BTF_ids layouts used by btfpost's resolve tests: lists, sets, 8-byte sets and a kfunc set. */
#include "ids.h"

/* A list mixing kinds, an unused slot, a name used twice and names the test BTF lacks. */
ID_LIST(list_a)
ID(struct, foo)
ID(union, bar)
ID(typedef, baz_t)
ID(func, do_thing)
ID_UNUSED
ID(struct, foo)
ID(struct, missing)
ID(func, dup_fn)
ID(func, no_such_fn)

/* A set whose ids come out in reverse order, with an unused entry. */
ID_SET_BEGIN(set_a)
ID(func, f_c)
ID(func, f_b)
ID_UNUSED
ID(func, f_a)
ID_SET_END(set_a)

/* An 8-byte set without the kfunc flag; flags must travel with their ids. */
ID_SET8_BEGIN(set8_plain, 0x80000000)
ID_FLAGS(func, f_c, 0x01020304)
ID_FLAGS(struct, foo, 0x11)
ID_FLAGS(func, f_a, 0xa0b0c0d)
ID_SET8_END(set8_plain)

/* A kfunc set. */
ID_SET8_BEGIN(kfunc_set, SET8_KFUNCS)
ID_FLAGS(func, k_two, 0x3)
ID_FLAGS(func, k_one, 0x1000)
ID_FLAGS(func, k_three, 0)
ID_SET8_END(kfunc_set)

/* A single-entry list. */
ID_LIST(list_single)
ID(typedef, baz_t)

int btfids_fixture_anchor(void) { return list_a[0] + list_single[0]; }
