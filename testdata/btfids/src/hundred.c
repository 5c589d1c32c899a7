/* One name in exactly 100 slots: the most resolve_btfids accepts. */
#include "ids.h"
#define TEN ID(struct, foo) ID(struct, foo) ID(struct, foo) ID(struct, foo) ID(struct, foo) \
	ID(struct, foo) ID(struct, foo) ID(struct, foo) ID(struct, foo) ID(struct, foo)
ID_LIST(list_e)
TEN TEN TEN TEN TEN TEN TEN TEN TEN TEN
