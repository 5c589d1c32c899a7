/* A .BTF_ids symbol with a kind resolve_btfids does not know. */
#include "ids.h"
ID_LIST(list_b)
ID(struct, foo)
RAW_SYM(__BTF_ID__enum__colour__17)
