# SPDX-License-Identifier: GPL-2.0-only
#
# btfpost.mk: make kbuild give external modules their BTF with btfpost (one post-link step:
# encode from DWARF, deduplicate against vmlinux, optionally distill, resolve .BTF_ids) in place
# of `pahole -J` + `resolve_btfids`.
#
# Use it with an unmodified kernel tree through GNU make's MAKEFILES variable, which every make
# of the build (including the sub-make running scripts/Makefile.modfinal) reads first:
#
#   make -C /lib/modules/$(uname -r)/build M=$PWD MAKEFILES=/path/to/btfpost.mk [BTF_BASE_REF=1] modules
#
# The `override` below makes the kernel's own later `cmd_btf_ko = ...` assignment a no-op.
# Only the BTF step changes; modules are still linked by kbuild, and only when kbuild would run
# BTF generation (CONFIG_DEBUG_INFO_BTF_MODULES=y and the .ko was relinked).
#
# Knobs (make variables, on the command line or in the environment):
#   BTF_BASE_REF=1       write a distilled base (.BTF.base) so the BTF survives kernel rebuilds;
#                        =0 never; unset: when kbuild would (--btf_features=distilled_base in
#                        MODULE_PAHOLE_FLAGS, i.e. CONFIG_PAHOLE_VERSION >= 126 on 6.12)
#   BTF_BASE=FILE        base BTF (raw or ELF); unset: $(objtree)/vmlinux, else
#                        $(BTF_SYSFS_VMLINUX) (default /sys/kernel/btf/vmlinux, the running
#                        kernel's BTF) when readable, else the module gets no BTF and kbuild's
#                        "Skipping BTF generation" message is printed
#   BTF_BASE=            (set but empty) self-contained BTF with no base (btfpost --standalone;
#                        upstream kernels do not load such module BTF)
#   BTF_FEATURES=LIST    pahole --btf_features list(s), space-separated for several; unset: the
#                        --btf_features lists of kbuild's PAHOLE_FLAGS, or, when the tree was
#                        configured with a pahole older than 1.26 (no lists there), the list 6.12
#                        kbuild passes to pahole >= 1.26
#   BTF_BASE_SECTION=.BTF.base_ref   section name for the distilled base (default .BTF.base)
#   BTFPOST=CMD          the btfpost program (default: ../bin/btfpost next to this file when
#                        present, else btfpost on PATH)
#   BTFPOST_FLAGS=...    extra btfpost options, e.g. -v

btfpost_snippet_dir := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
BTFPOST ?= $(if $(wildcard $(btfpost_snippet_dir)../bin/btfpost),$(abspath $(btfpost_snippet_dir)../bin/btfpost),btfpost)

BTF_SYSFS_VMLINUX ?= /sys/kernel/btf/vmlinux
btfpost_comma := ,
btfpost_default_features := encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs

# Feature lists kbuild hands pahole, without distilled_base (that one is BTF_BASE_REF's business).
btfpost_kbuild_lists = $(filter-out distilled_base,$(patsubst --btf_features=%,%,$(filter --btf_features=%,$(PAHOLE_FLAGS))))
btfpost_lists = $(if $(filter undefined,$(origin BTF_FEATURES)),$(or $(btfpost_kbuild_lists),$(btfpost_default_features)),$(BTF_FEATURES))

btfpost_distilled = $(strip \
	$(if $(filter 1 y yes,$(BTF_BASE_REF)),y, \
	$(if $(filter 0 n no,$(BTF_BASE_REF)),, \
	$(if $(filter distilled_base,$(subst $(btfpost_comma), ,$(patsubst +%,%,$(btfpost_lists)))),y, \
	$(if $(filter --btf_features=distilled_base,$(MODULE_PAHOLE_FLAGS)),y)))))

# auto | none | FILE
btfpost_base = $(if $(filter undefined,$(origin BTF_BASE)),auto,$(if $(strip $(BTF_BASE)),$(strip $(BTF_BASE)),none))

btfpost_args = \
	$(addprefix --btf_features=,$(btfpost_lists)) \
	$(filter --lang_exclude=%,$(PAHOLE_FLAGS)) \
	$(BTFPOST_FLAGS)
btfpost_split_args = $(btfpost_args) \
	$(if $(btfpost_distilled),--distilled-base $(if $(BTF_BASE_SECTION),--base-section $(BTF_BASE_SECTION)))

override quiet_cmd_btf_ko = BTF [M] $@ (btfpost)
ifeq ($(btfpost_base),none)
override cmd_btf_ko = $(BTFPOST) $@ --standalone $(btfpost_args);
else ifeq ($(btfpost_base),auto)
override cmd_btf_ko = \
	if [ -f $(objtree)/vmlinux ]; then \
		$(BTFPOST) $@ --base $(objtree)/vmlinux $(btfpost_split_args); \
	elif [ -r $(BTF_SYSFS_VMLINUX) ]; then \
		$(BTFPOST) $@ --base $(BTF_SYSFS_VMLINUX) $(btfpost_split_args); \
	else \
		printf "Skipping BTF generation for %s due to unavailability of vmlinux\n" $@ 1>&2; \
	fi;
else
override cmd_btf_ko = $(BTFPOST) $@ --base $(btfpost_base) $(btfpost_split_args);
endif
