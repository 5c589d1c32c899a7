/* Second unit for funcs.o: the same static name with a different prototype makes it inconsistent. */
__attribute__((noinline)) static int shared_name(const char *s)
{
	int n = 0;

	while (*s++)
		n++;
	return n;
}

int count_chars(const char *s)
{
	return shared_name(s) + 1;
}
