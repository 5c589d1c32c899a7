// DWARF constants (tags, attributes, forms, unit types, operations, list entries) in the spelling of the DWARF 5 spec §7.

// ---- Unit header (§7.5.1) ----

/** DW_UT_compile: a full compilation unit (DWARF 5). */
export const DW_UT_compile = 0x01;
/** DW_UT_type: a type unit (DWARF 5). */
export const DW_UT_type = 0x02;
/** DW_UT_partial: a partial unit (DWARF 5). */
export const DW_UT_partial = 0x03;
/** DW_UT_skeleton: the skeleton of a split unit (DWARF 5). */
export const DW_UT_skeleton = 0x04;
/** DW_UT_split_compile: a split compilation unit in a .dwo (DWARF 5). */
export const DW_UT_split_compile = 0x05;
/** DW_UT_split_type: a split type unit in a .dwo (DWARF 5). */
export const DW_UT_split_type = 0x06;

/** DW_CHILDREN_no. */
export const DW_CHILDREN_no = 0x00;
/** DW_CHILDREN_yes. */
export const DW_CHILDREN_yes = 0x01;

// ---- Tags (§7.5.3, Table 7.3) ----

export const DW_TAG_array_type = 0x01;
export const DW_TAG_class_type = 0x02;
export const DW_TAG_entry_point = 0x03;
export const DW_TAG_enumeration_type = 0x04;
export const DW_TAG_formal_parameter = 0x05;
export const DW_TAG_imported_declaration = 0x08;
export const DW_TAG_label = 0x0a;
export const DW_TAG_lexical_block = 0x0b;
export const DW_TAG_member = 0x0d;
export const DW_TAG_pointer_type = 0x0f;
export const DW_TAG_reference_type = 0x10;
export const DW_TAG_compile_unit = 0x11;
export const DW_TAG_string_type = 0x12;
export const DW_TAG_structure_type = 0x13;
export const DW_TAG_subroutine_type = 0x15;
export const DW_TAG_typedef = 0x16;
export const DW_TAG_union_type = 0x17;
export const DW_TAG_unspecified_parameters = 0x18;
export const DW_TAG_variant = 0x19;
export const DW_TAG_common_block = 0x1a;
export const DW_TAG_common_inclusion = 0x1b;
export const DW_TAG_inheritance = 0x1c;
export const DW_TAG_inlined_subroutine = 0x1d;
export const DW_TAG_module = 0x1e;
export const DW_TAG_ptr_to_member_type = 0x1f;
export const DW_TAG_set_type = 0x20;
export const DW_TAG_subrange_type = 0x21;
export const DW_TAG_with_stmt = 0x22;
export const DW_TAG_access_declaration = 0x23;
export const DW_TAG_base_type = 0x24;
export const DW_TAG_catch_block = 0x25;
export const DW_TAG_const_type = 0x26;
export const DW_TAG_constant = 0x27;
export const DW_TAG_enumerator = 0x28;
export const DW_TAG_file_type = 0x29;
export const DW_TAG_friend = 0x2a;
export const DW_TAG_namelist = 0x2b;
export const DW_TAG_namelist_item = 0x2c;
export const DW_TAG_packed_type = 0x2d;
export const DW_TAG_subprogram = 0x2e;
export const DW_TAG_template_type_parameter = 0x2f;
export const DW_TAG_template_value_parameter = 0x30;
export const DW_TAG_thrown_type = 0x31;
export const DW_TAG_try_block = 0x32;
export const DW_TAG_variant_part = 0x33;
export const DW_TAG_variable = 0x34;
export const DW_TAG_volatile_type = 0x35;
export const DW_TAG_dwarf_procedure = 0x36;
export const DW_TAG_restrict_type = 0x37;
export const DW_TAG_interface_type = 0x38;
export const DW_TAG_namespace = 0x39;
export const DW_TAG_imported_module = 0x3a;
export const DW_TAG_unspecified_type = 0x3b;
export const DW_TAG_partial_unit = 0x3c;
export const DW_TAG_imported_unit = 0x3d;
export const DW_TAG_condition = 0x3f;
export const DW_TAG_shared_type = 0x40;
export const DW_TAG_type_unit = 0x41;
export const DW_TAG_rvalue_reference_type = 0x42;
export const DW_TAG_template_alias = 0x43;
export const DW_TAG_coarray_type = 0x44;
export const DW_TAG_generic_subrange = 0x45;
export const DW_TAG_dynamic_type = 0x46;
export const DW_TAG_atomic_type = 0x47;
export const DW_TAG_call_site = 0x48;
export const DW_TAG_call_site_parameter = 0x49;
export const DW_TAG_skeleton_unit = 0x4a;
export const DW_TAG_immutable_type = 0x4b;
export const DW_TAG_lo_user = 0x4080;
export const DW_TAG_MIPS_loop = 0x4081;
export const DW_TAG_format_label = 0x4101;
export const DW_TAG_function_template = 0x4102;
export const DW_TAG_class_template = 0x4103;
export const DW_TAG_GNU_BINCL = 0x4104;
export const DW_TAG_GNU_EINCL = 0x4105;
export const DW_TAG_GNU_template_template_param = 0x4106;
export const DW_TAG_GNU_template_parameter_pack = 0x4107;
export const DW_TAG_GNU_formal_parameter_pack = 0x4108;
export const DW_TAG_GNU_call_site = 0x4109;
export const DW_TAG_GNU_call_site_parameter = 0x410a;
/** clang's btf_type_tag / btf_decl_tag annotations (children of the annotated DIE). */
export const DW_TAG_LLVM_annotation = 0x6000;
export const DW_TAG_hi_user = 0xffff;

// ---- Attributes (§7.5.4, Table 7.5) ----

export const DW_AT_sibling = 0x01;
export const DW_AT_location = 0x02;
export const DW_AT_name = 0x03;
export const DW_AT_ordering = 0x09;
export const DW_AT_byte_size = 0x0b;
/** DWARF 2/3 only; DWARF 4+ uses DW_AT_data_bit_offset. */
export const DW_AT_bit_offset = 0x0c;
export const DW_AT_bit_size = 0x0d;
export const DW_AT_stmt_list = 0x10;
export const DW_AT_low_pc = 0x11;
export const DW_AT_high_pc = 0x12;
export const DW_AT_language = 0x13;
export const DW_AT_discr = 0x15;
export const DW_AT_discr_value = 0x16;
export const DW_AT_visibility = 0x17;
export const DW_AT_import = 0x18;
export const DW_AT_string_length = 0x19;
export const DW_AT_common_reference = 0x1a;
export const DW_AT_comp_dir = 0x1b;
export const DW_AT_const_value = 0x1c;
export const DW_AT_containing_type = 0x1d;
export const DW_AT_default_value = 0x1e;
export const DW_AT_inline = 0x20;
export const DW_AT_is_optional = 0x21;
export const DW_AT_lower_bound = 0x22;
export const DW_AT_producer = 0x25;
export const DW_AT_prototyped = 0x27;
export const DW_AT_return_addr = 0x2a;
export const DW_AT_start_scope = 0x2c;
export const DW_AT_bit_stride = 0x2e;
export const DW_AT_upper_bound = 0x2f;
export const DW_AT_abstract_origin = 0x31;
export const DW_AT_accessibility = 0x32;
export const DW_AT_address_class = 0x33;
export const DW_AT_artificial = 0x34;
export const DW_AT_base_types = 0x35;
export const DW_AT_calling_convention = 0x36;
export const DW_AT_count = 0x37;
export const DW_AT_data_member_location = 0x38;
export const DW_AT_decl_column = 0x39;
export const DW_AT_decl_file = 0x3a;
export const DW_AT_decl_line = 0x3b;
export const DW_AT_declaration = 0x3c;
export const DW_AT_discr_list = 0x3d;
export const DW_AT_encoding = 0x3e;
export const DW_AT_external = 0x3f;
export const DW_AT_frame_base = 0x40;
export const DW_AT_friend = 0x41;
export const DW_AT_identifier_case = 0x42;
export const DW_AT_macro_info = 0x43;
export const DW_AT_namelist_item = 0x44;
export const DW_AT_priority = 0x45;
export const DW_AT_segment = 0x46;
export const DW_AT_specification = 0x47;
export const DW_AT_static_link = 0x48;
export const DW_AT_type = 0x49;
export const DW_AT_use_location = 0x4a;
export const DW_AT_variable_parameter = 0x4b;
export const DW_AT_virtuality = 0x4c;
export const DW_AT_vtable_elem_location = 0x4d;
export const DW_AT_allocated = 0x4e;
export const DW_AT_associated = 0x4f;
export const DW_AT_data_location = 0x50;
export const DW_AT_byte_stride = 0x51;
export const DW_AT_entry_pc = 0x52;
export const DW_AT_use_UTF8 = 0x53;
export const DW_AT_extension = 0x54;
export const DW_AT_ranges = 0x55;
export const DW_AT_trampoline = 0x56;
export const DW_AT_call_column = 0x57;
export const DW_AT_call_file = 0x58;
export const DW_AT_call_line = 0x59;
export const DW_AT_description = 0x5a;
export const DW_AT_binary_scale = 0x5b;
export const DW_AT_decimal_scale = 0x5c;
export const DW_AT_small = 0x5d;
export const DW_AT_decimal_sign = 0x5e;
export const DW_AT_digit_count = 0x5f;
export const DW_AT_picture_string = 0x60;
export const DW_AT_mutable = 0x61;
export const DW_AT_threads_scaled = 0x62;
export const DW_AT_explicit = 0x63;
export const DW_AT_object_pointer = 0x64;
export const DW_AT_endianity = 0x65;
export const DW_AT_elemental = 0x66;
export const DW_AT_pure = 0x67;
export const DW_AT_recursive = 0x68;
export const DW_AT_signature = 0x69;
export const DW_AT_main_subprogram = 0x6a;
export const DW_AT_data_bit_offset = 0x6b;
export const DW_AT_const_expr = 0x6c;
export const DW_AT_enum_class = 0x6d;
export const DW_AT_linkage_name = 0x6e;
export const DW_AT_string_length_bit_size = 0x6f;
export const DW_AT_string_length_byte_size = 0x70;
export const DW_AT_rank = 0x71;
export const DW_AT_str_offsets_base = 0x72;
export const DW_AT_addr_base = 0x73;
export const DW_AT_rnglists_base = 0x74;
export const DW_AT_dwo_name = 0x76;
export const DW_AT_reference = 0x77;
export const DW_AT_rvalue_reference = 0x78;
export const DW_AT_macros = 0x79;
export const DW_AT_call_all_calls = 0x7a;
export const DW_AT_call_all_source_calls = 0x7b;
export const DW_AT_call_all_tail_calls = 0x7c;
export const DW_AT_call_return_pc = 0x7d;
export const DW_AT_call_value = 0x7e;
export const DW_AT_call_origin = 0x7f;
export const DW_AT_call_parameter = 0x80;
export const DW_AT_call_pc = 0x81;
export const DW_AT_call_tail_call = 0x82;
export const DW_AT_call_target = 0x83;
export const DW_AT_call_target_clobbered = 0x84;
export const DW_AT_call_data_location = 0x85;
export const DW_AT_call_data_value = 0x86;
export const DW_AT_noreturn = 0x87;
export const DW_AT_alignment = 0x88;
export const DW_AT_export_symbols = 0x89;
export const DW_AT_deleted = 0x8a;
export const DW_AT_defaulted = 0x8b;
export const DW_AT_loclists_base = 0x8c;
export const DW_AT_lo_user = 0x2000;
export const DW_AT_MIPS_linkage_name = 0x2007;
export const DW_AT_sf_names = 0x2101;
export const DW_AT_src_info = 0x2102;
export const DW_AT_mac_info = 0x2103;
export const DW_AT_src_coords = 0x2104;
export const DW_AT_body_begin = 0x2105;
export const DW_AT_body_end = 0x2106;
export const DW_AT_GNU_vector = 0x2107;
export const DW_AT_GNU_guarded_by = 0x2108;
export const DW_AT_GNU_pt_guarded_by = 0x2109;
export const DW_AT_GNU_guarded = 0x210a;
export const DW_AT_GNU_pt_guarded = 0x210b;
export const DW_AT_GNU_locks_excluded = 0x210c;
export const DW_AT_GNU_exclusive_locks_required = 0x210d;
export const DW_AT_GNU_shared_locks_required = 0x210e;
export const DW_AT_GNU_odr_signature = 0x210f;
export const DW_AT_GNU_template_name = 0x2110;
export const DW_AT_GNU_call_site_value = 0x2111;
export const DW_AT_GNU_call_site_data_value = 0x2112;
export const DW_AT_GNU_call_site_target = 0x2113;
export const DW_AT_GNU_call_site_target_clobbered = 0x2114;
export const DW_AT_GNU_tail_call = 0x2115;
export const DW_AT_GNU_all_tail_call_sites = 0x2116;
export const DW_AT_GNU_all_call_sites = 0x2117;
export const DW_AT_GNU_all_source_call_sites = 0x2118;
export const DW_AT_GNU_macros = 0x2119;
export const DW_AT_GNU_deleted = 0x211a;
export const DW_AT_GNU_dwo_name = 0x2130;
export const DW_AT_GNU_dwo_id = 0x2131;
export const DW_AT_GNU_ranges_base = 0x2132;
export const DW_AT_GNU_addr_base = 0x2133;
export const DW_AT_GNU_pubnames = 0x2134;
export const DW_AT_GNU_pubtypes = 0x2135;
export const DW_AT_GNU_discriminator = 0x2136;
export const DW_AT_GNU_locviews = 0x2137;
export const DW_AT_GNU_entry_view = 0x2138;
/** BTF type tags and decl tags as clang and GCC 14+ emit them. */
export const DW_AT_GNU_annotation = 0x2139;
export const DW_AT_hi_user = 0x3fff;

// ---- Forms (§7.5.6, Table 7.6) ----

export const DW_FORM_addr = 0x01;
export const DW_FORM_block2 = 0x03;
export const DW_FORM_block4 = 0x04;
export const DW_FORM_data2 = 0x05;
export const DW_FORM_data4 = 0x06;
export const DW_FORM_data8 = 0x07;
export const DW_FORM_string = 0x08;
export const DW_FORM_block = 0x09;
export const DW_FORM_block1 = 0x0a;
export const DW_FORM_data1 = 0x0b;
export const DW_FORM_flag = 0x0c;
export const DW_FORM_sdata = 0x0d;
export const DW_FORM_strp = 0x0e;
export const DW_FORM_udata = 0x0f;
export const DW_FORM_ref_addr = 0x10;
export const DW_FORM_ref1 = 0x11;
export const DW_FORM_ref2 = 0x12;
export const DW_FORM_ref4 = 0x13;
export const DW_FORM_ref8 = 0x14;
export const DW_FORM_ref_udata = 0x15;
export const DW_FORM_indirect = 0x16;
export const DW_FORM_sec_offset = 0x17;
export const DW_FORM_exprloc = 0x18;
export const DW_FORM_flag_present = 0x19;
export const DW_FORM_strx = 0x1a;
export const DW_FORM_addrx = 0x1b;
export const DW_FORM_ref_sup4 = 0x1c;
export const DW_FORM_strp_sup = 0x1d;
export const DW_FORM_data16 = 0x1e;
export const DW_FORM_line_strp = 0x1f;
export const DW_FORM_ref_sig8 = 0x20;
export const DW_FORM_implicit_const = 0x21;
export const DW_FORM_loclistx = 0x22;
export const DW_FORM_rnglistx = 0x23;
export const DW_FORM_ref_sup8 = 0x24;
export const DW_FORM_strx1 = 0x25;
export const DW_FORM_strx2 = 0x26;
export const DW_FORM_strx3 = 0x27;
export const DW_FORM_strx4 = 0x28;
export const DW_FORM_addrx1 = 0x29;
export const DW_FORM_addrx2 = 0x2a;
export const DW_FORM_addrx3 = 0x2b;
export const DW_FORM_addrx4 = 0x2c;
/** Split DWARF (GNU extension to DWARF 4): index into .debug_addr. */
export const DW_FORM_GNU_addr_index = 0x1f01;
/** Split DWARF (GNU extension to DWARF 4): index into .debug_str_offsets. */
export const DW_FORM_GNU_str_index = 0x1f02;
/** dwz: reference into the supplementary (.gnu_debugaltlink) file's .debug_info. */
export const DW_FORM_GNU_ref_alt = 0x1f20;
/** dwz: offset into the supplementary file's .debug_str. */
export const DW_FORM_GNU_strp_alt = 0x1f21;

// ---- Language codes (§7.12, the ones kernel builds produce and a few neighbours) ----

export const DW_LANG_C89 = 0x0001;
export const DW_LANG_C = 0x0002;
export const DW_LANG_C_plus_plus = 0x0004;
export const DW_LANG_C99 = 0x000c;
export const DW_LANG_Rust = 0x001c;
export const DW_LANG_C11 = 0x001d;
export const DW_LANG_C_plus_plus_14 = 0x0021;
export const DW_LANG_C17 = 0x002c;
export const DW_LANG_Mips_Assembler = 0x8001;

// ---- Base type encodings (§7.8) ----

export const DW_ATE_address = 0x01;
export const DW_ATE_boolean = 0x02;
export const DW_ATE_complex_float = 0x03;
export const DW_ATE_float = 0x04;
export const DW_ATE_signed = 0x05;
export const DW_ATE_signed_char = 0x06;
export const DW_ATE_unsigned = 0x07;
export const DW_ATE_unsigned_char = 0x08;
export const DW_ATE_imaginary_float = 0x09;
export const DW_ATE_packed_decimal = 0x0a;
export const DW_ATE_numeric_string = 0x0b;
export const DW_ATE_edited = 0x0c;
export const DW_ATE_signed_fixed = 0x0d;
export const DW_ATE_unsigned_fixed = 0x0e;
export const DW_ATE_decimal_float = 0x0f;
export const DW_ATE_UTF = 0x10;
export const DW_ATE_UCS = 0x11;
export const DW_ATE_ASCII = 0x12;

// ---- DW_AT_inline values (§7.14) ----

export const DW_INL_not_inlined = 0x00;
export const DW_INL_inlined = 0x01;
export const DW_INL_declared_not_inlined = 0x02;
export const DW_INL_declared_inlined = 0x03;

// ---- Location expression operations (§7.7.1, the ones a location classifier has to step over) ----

export const DW_OP_addr = 0x03;
export const DW_OP_deref = 0x06;
export const DW_OP_const1u = 0x08;
export const DW_OP_const1s = 0x09;
export const DW_OP_const2u = 0x0a;
export const DW_OP_const2s = 0x0b;
export const DW_OP_const4u = 0x0c;
export const DW_OP_const4s = 0x0d;
export const DW_OP_const8u = 0x0e;
export const DW_OP_const8s = 0x0f;
export const DW_OP_constu = 0x10;
export const DW_OP_consts = 0x11;
export const DW_OP_plus_uconst = 0x23;
export const DW_OP_lit0 = 0x30;
export const DW_OP_lit31 = 0x4f;
export const DW_OP_reg0 = 0x50;
export const DW_OP_reg31 = 0x6f;
export const DW_OP_breg0 = 0x70;
export const DW_OP_breg31 = 0x8f;
export const DW_OP_regx = 0x90;
export const DW_OP_fbreg = 0x91;
export const DW_OP_bregx = 0x92;
export const DW_OP_piece = 0x93;
export const DW_OP_call_frame_cfa = 0x9c;
export const DW_OP_implicit_value = 0x9e;
export const DW_OP_stack_value = 0x9f;
export const DW_OP_implicit_pointer = 0xa0;
export const DW_OP_addrx = 0xa1;
export const DW_OP_constx = 0xa2;
export const DW_OP_entry_value = 0xa3;
export const DW_OP_GNU_push_tls_address = 0xe0;
export const DW_OP_GNU_entry_value = 0xf3;
export const DW_OP_GNU_addr_index = 0xfb;
export const DW_OP_GNU_const_index = 0xfc;

// ---- Range list entries, .debug_rnglists (§7.25) ----

export const DW_RLE_end_of_list = 0x00;
export const DW_RLE_base_addressx = 0x01;
export const DW_RLE_startx_endx = 0x02;
export const DW_RLE_startx_length = 0x03;
export const DW_RLE_offset_pair = 0x04;
export const DW_RLE_base_address = 0x05;
export const DW_RLE_start_end = 0x06;
export const DW_RLE_start_length = 0x07;

// ---- Location list entries, .debug_loclists (§7.29) ----

export const DW_LLE_end_of_list = 0x00;
export const DW_LLE_base_addressx = 0x01;
export const DW_LLE_startx_endx = 0x02;
export const DW_LLE_startx_length = 0x03;
export const DW_LLE_offset_pair = 0x04;
export const DW_LLE_default_location = 0x05;
export const DW_LLE_base_address = 0x06;
export const DW_LLE_start_end = 0x07;
export const DW_LLE_start_length = 0x08;
/** GCC's location-view pair inside a DWARF 5 location list (-gvariable-location-views=incompat5). */
export const DW_LLE_GNU_view_pair = 0x09;
