/* Test-only macros that lay out .BTF_ids the way include/linux/btf_ids.h does (written for btfpost's fixtures). */
#ifndef BTFPOST_TEST_IDS_H
#define BTFPOST_TEST_IDS_H

#define T_CAT2(a, b) a##b
#define T_CAT(a, b) T_CAT2(a, b)
#define T_STR2(x) #x
#define T_STR(x) T_STR2(x)

/* Symbol names: __BTF_ID__<kind>__<name>__<counter><line>, like the kernel's __ID(). */
#define T_SLOT_SYM(kind, name) T_CAT(T_CAT(__BTF_ID__##kind##__##name##__, __COUNTER__), __LINE__)

/* One 4-byte id slot followed by optional extra data (a flags word for 8-byte sets). */
#define T_SLOT(sym, tail)                                                      \
	asm(".pushsection .BTF_ids,\"a\"\n"                                    \
	    "\t.local " T_STR(sym) "\n"                                        \
	    "\t.type " T_STR(sym) ", STT_OBJECT\n"                             \
	    "\t.size " T_STR(sym) ", 4\n"                                      \
	    T_STR(sym) ":\n"                                                   \
	    "\t.zero 4\n"                                                      \
	    tail                                                               \
	    ".popsection\n");

#define ID(kind, name) T_SLOT(T_SLOT_SYM(kind, name), "")
#define ID_FLAGS(kind, name, flags) T_SLOT(T_SLOT_SYM(kind, name), "\t.long " T_STR(flags) "\n")
#define ID_UNUSED asm(".pushsection .BTF_ids,\"a\"\n\t.zero 4\n.popsection\n");

/* A plain list: a label, then slots. */
#define ID_LIST(list)                                                          \
	asm(".pushsection .BTF_ids,\"a\"\n\t.local " #list "\n" #list ":\n.popsection\n"); \
	extern unsigned int list[];

/* Sets: the set's label and __BTF_ID__set[8]__<name> on its count word (and set8 flags word); the size covers the header and entries. */
#define ID_SET_BEGIN(set)                                                      \
	asm(".pushsection .BTF_ids,\"a\"\n"                                    \
	    "\t.local " #set "\n" #set ":\n"                                   \
	    "\t.local __BTF_ID__set__" #set "\n"                               \
	    "__BTF_ID__set__" #set ":\n"                                       \
	    "\t.zero 4\n"                                                      \
	    ".popsection\n");
#define ID_SET_END(set)                                                        \
	asm(".pushsection .BTF_ids,\"a\"\n"                                    \
	    "\t.size __BTF_ID__set__" #set ", . - " #set "\n"                  \
	    ".popsection\n");

#define ID_SET8_BEGIN(set, setflags)                                           \
	asm(".pushsection .BTF_ids,\"a\"\n"                                    \
	    "\t.local " #set "\n" #set ":\n"                                   \
	    "\t.local __BTF_ID__set8__" #set "\n"                              \
	    "__BTF_ID__set8__" #set ":\n"                                      \
	    "\t.zero 4\n"                                                      \
	    "\t.long " T_STR(setflags) "\n"                                    \
	    ".popsection\n");
#define ID_SET8_END(set)                                                       \
	asm(".pushsection .BTF_ids,\"a\"\n"                                    \
	    "\t.size __BTF_ID__set8__" #set ", . - " #set "\n"                 \
	    ".popsection\n");

/* struct btf_id_set8 flag for kfunc sets. */
#define SET8_KFUNCS 1

/* A raw symbol in .BTF_ids with a name of our choosing (for malformed-input fixtures). */
#define RAW_SYM(sym)                                                           \
	asm(".pushsection .BTF_ids,\"a\"\n\t.local " #sym "\n\t.type " #sym ", STT_OBJECT\n\t.size " #sym ", 4\n" #sym ":\n\t.zero 4\n.popsection\n");

#endif
