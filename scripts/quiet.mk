# SPDX-License-Identifier: GPL-2.0
#
# Build output as quiet as Kbuild's, for nova's Makefiles (included): a rule
# writes $(call quiet,TAG) in front of its command to print
# "  TAG     TARGET" (TARGET relative to O) instead of the command; V=1 shows
# the commands themselves.
ifeq ($(V),1)
quiet =
else
quiet = @printf '  %-7s %s\n' '$(1)' '$(patsubst $(O)/%,%,$@)';
endif
