/* An object without a .BTF_ids section. */
int plain_function(int x) { return x * 3; }
