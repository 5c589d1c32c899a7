/* A .BTF_ids slot symbol without the __<unique> suffix. */
#include "ids.h"
ID_LIST(list_c)
RAW_SYM(__BTF_ID__func__plainname)
