/* One name in 101 slots: one more than resolve_btfids accepts (ADDR_CNT). */
#include "ids.h"
#define TEN ID(struct, foo) ID(struct, foo) ID(struct, foo) ID(struct, foo) ID(struct, foo) \
	ID(struct, foo) ID(struct, foo) ID(struct, foo) ID(struct, foo) ID(struct, foo)
ID_LIST(list_d)
TEN TEN TEN TEN TEN TEN TEN TEN TEN TEN
ID(struct, foo)
