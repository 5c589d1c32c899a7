// ELF specification constants (gABI spelling) used by the reader and writer.

/** Size of e_ident. */
export const EI_NIDENT = 16;
/** Index of the class byte in e_ident. */
export const EI_CLASS = 4;
/** Index of the data-encoding byte in e_ident. */
export const EI_DATA = 5;
/** Index of the ident version byte in e_ident. */
export const EI_VERSION = 6;
/** Index of the OS ABI byte in e_ident. */
export const EI_OSABI = 7;
/** Index of the ABI version byte in e_ident. */
export const EI_ABIVERSION = 8;

/** 32-bit objects. */
export const ELFCLASS32 = 1;
/** 64-bit objects. */
export const ELFCLASS64 = 2;
/** Two's complement, little-endian. */
export const ELFDATA2LSB = 1;
/** Two's complement, big-endian. */
export const ELFDATA2MSB = 2;
/** Current ELF version. */
export const EV_CURRENT = 1;

/** No file type. */
export const ET_NONE = 0;
/** Relocatable file (kernel modules are these). */
export const ET_REL = 1;
/** Executable file (vmlinux). */
export const ET_EXEC = 2;
/** Shared object file. */
export const ET_DYN = 3;
/** Core file. */
export const ET_CORE = 4;

/** Intel 80386. */
export const EM_386 = 3;
/** MIPS (32- and 64-bit). */
export const EM_MIPS = 8;
/** PowerPC 64-bit. */
export const EM_PPC64 = 21;
/** IBM S/390. */
export const EM_S390 = 22;
/** ARM 32-bit. */
export const EM_ARM = 40;
/** AMD x86-64. */
export const EM_X86_64 = 62;
/** ARM 64-bit. */
export const EM_AARCH64 = 183;
/** RISC-V. */
export const EM_RISCV = 243;
/** LoongArch. */
export const EM_LOONGARCH = 258;

/** Undefined section index. */
export const SHN_UNDEF = 0;
/** Lowest reserved section index. */
export const SHN_LORESERVE = 0xff00;
/** Absolute symbol value. */
export const SHN_ABS = 0xfff1;
/** Common symbol. */
export const SHN_COMMON = 0xfff2;
/** The real index is held elsewhere (section 0 or SHT_SYMTAB_SHNDX). */
export const SHN_XINDEX = 0xffff;
/** Highest reserved section index. */
export const SHN_HIRESERVE = 0xffff;

/** Inactive section header. */
export const SHT_NULL = 0;
/** Program-defined contents. */
export const SHT_PROGBITS = 1;
/** Symbol table. */
export const SHT_SYMTAB = 2;
/** String table. */
export const SHT_STRTAB = 3;
/** Relocations with explicit addends. */
export const SHT_RELA = 4;
/** Symbol hash table. */
export const SHT_HASH = 5;
/** Dynamic linking information. */
export const SHT_DYNAMIC = 6;
/** Notes. */
export const SHT_NOTE = 7;
/** Occupies no file space. */
export const SHT_NOBITS = 8;
/** Relocations without explicit addends. */
export const SHT_REL = 9;
/** Reserved. */
export const SHT_SHLIB = 10;
/** Dynamic symbol table. */
export const SHT_DYNSYM = 11;
/** Array of constructors. */
export const SHT_INIT_ARRAY = 14;
/** Array of destructors. */
export const SHT_FINI_ARRAY = 15;
/** Array of pre-constructors. */
export const SHT_PREINIT_ARRAY = 16;
/** Section group. */
export const SHT_GROUP = 17;
/** Extended section indices for a symbol table. */
export const SHT_SYMTAB_SHNDX = 18;

/** Writable at run time. */
export const SHF_WRITE = 0x1;
/** Occupies memory at run time. */
export const SHF_ALLOC = 0x2;
/** Executable. */
export const SHF_EXECINSTR = 0x4;
/** Might be merged. */
export const SHF_MERGE = 0x10;
/** Contains NUL-terminated strings. */
export const SHF_STRINGS = 0x20;
/** sh_info holds a section index. */
export const SHF_INFO_LINK = 0x40;
/** Preserve order after combining. */
export const SHF_LINK_ORDER = 0x80;
/** Non-standard OS-specific handling required. */
export const SHF_OS_NONCONFORMING = 0x100;
/** Member of a section group. */
export const SHF_GROUP = 0x200;
/** Holds thread-local data. */
export const SHF_TLS = 0x400;
/** Holds compressed data (starts with an Elf32_Chdr/Elf64_Chdr). */
export const SHF_COMPRESSED = 0x800;

/** Group flag: COMDAT group. */
export const GRP_COMDAT = 0x1;

/** zlib (deflate) compressed section. */
export const ELFCOMPRESS_ZLIB = 1;
/** Zstandard compressed section. */
export const ELFCOMPRESS_ZSTD = 2;

/** Local symbol. */
export const STB_LOCAL = 0;
/** Global symbol. */
export const STB_GLOBAL = 1;
/** Weak symbol. */
export const STB_WEAK = 2;

/** Unspecified symbol type. */
export const STT_NOTYPE = 0;
/** Data object. */
export const STT_OBJECT = 1;
/** Function. */
export const STT_FUNC = 2;
/** Section symbol. */
export const STT_SECTION = 3;
/** Source file symbol. */
export const STT_FILE = 4;
/** Common data object. */
export const STT_COMMON = 5;
/** Thread-local data object. */
export const STT_TLS = 6;

/** Default symbol visibility. */
export const STV_DEFAULT = 0;
/** Internal symbol visibility. */
export const STV_INTERNAL = 1;
/** Hidden symbol visibility. */
export const STV_HIDDEN = 2;
/** Protected symbol visibility. */
export const STV_PROTECTED = 3;

/** Size of Elf32_Ehdr. */
export const ELF32_EHDR_SIZE = 52;
/** Size of Elf64_Ehdr. */
export const ELF64_EHDR_SIZE = 64;
/** Size of Elf32_Shdr. */
export const ELF32_SHDR_SIZE = 40;
/** Size of Elf64_Shdr. */
export const ELF64_SHDR_SIZE = 64;
/** Size of Elf32_Sym. */
export const ELF32_SYM_SIZE = 16;
/** Size of Elf64_Sym. */
export const ELF64_SYM_SIZE = 24;
/** Size of Elf32_Rel. */
export const ELF32_REL_SIZE = 8;
/** Size of Elf32_Rela. */
export const ELF32_RELA_SIZE = 12;
/** Size of Elf64_Rel. */
export const ELF64_REL_SIZE = 16;
/** Size of Elf64_Rela. */
export const ELF64_RELA_SIZE = 24;
/** Size of Elf32_Chdr. */
export const ELF32_CHDR_SIZE = 12;
/** Size of Elf64_Chdr. */
export const ELF64_CHDR_SIZE = 24;
