// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: the PCI core names the legacy interrupt PCI_IRQ_INTX. Since 6.8;
 * 6.1 spells it PCI_IRQ_LEGACY (removed in 6.11).
 */
#include <linux/pci.h>

unsigned int nova_probe_flags = PCI_IRQ_INTX;
