#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The two modules' shape, in the guest (tests/guest/check-guest.sh's
# functions suite): nova_core bound to each edu PCI function, nova bound to
# each function's auxiliary device, libdrm's device enumeration (drmdevice)
# listing each nova card with the function's PCI bus info, novainfo listing
# every nova device, and PRIME between two of them (nova-prime-pair, with
# two functions). With NOVA_CORE_KO and NOVA_KO, nova_core is then reloaded
# with a virtual function, which must appear on the platform bus, and put
# back as the harness loaded it.
#
# Usage: functions.sh FUNCTIONS USERSPACE_DIR
# FUNCTIONS is how many edu functions the guest has (guest-run.sh
# --functions). Prints one line per check and "functions: N passed, N failed".

n=${1:?usage: functions.sh FUNCTIONS USERSPACE_DIR}
us=${2:?usage: functions.sh FUNCTIONS USERSPACE_DIR}
passed=0
failed=0
tmp=$(mktemp -d)

check() { # NAME CONDITION-STATUS MESSAGE
	if [ "$2" = 0 ]; then
		echo "ok $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1: $3"
		failed=$((failed + 1))
	fi
}

# The /dev/dri/cardN of nova's DRM devices: debugfs names each minor's driver.
nova_cards() {
	for d in /sys/kernel/debug/dri/*; do
		minor=${d##*/}
		[ -e "/dev/dri/card$minor" ] || continue
		read -r drv _ <"$d/name" && [ "$drv" = nova ] && echo "/dev/dri/card$minor"
	done
}

# drmdevice's block of CARD (from drmGetDevices2()): "BUSTYPE VENDOR DEVICE",
# or nothing when libdrm did not list it.
drm_bus_of() {
	awk -v want="$1" '
		function flush() { if (card == want && !done) { print bus, ven, dev; done = 1 } }
		/^device\[/ { flush(); card = ""; bus = ""; ven = "-"; dev = "-" }
		/nodes\[0\]/ { card = $NF }
		/\+-> bustype/ { bus = $NF }
		/\+-> vendor_id/ { ven = $NF }
		/\+-> device_id/ { dev = $NF }
		END { flush() }' "$tmp/drmdevice"
}

# Every nova card must be listed by libdrm, on the bus its parent is on:
# EXPECT_PCI on edu functions, EXPECT_PLATFORM on virtual ones.
check_drmdevice() {
	drmdevice >"$tmp/drmdevice" 2>&1
	pci=0 platform=0 missing=
	for card in $(nova_cards); do
		# shellcheck disable=SC2046 # three words, split on purpose
		set -- $(drm_bus_of "$card")
		case "$1 $2 $3" in
		"0000 1234 11e8") pci=$((pci + 1)) ;;
		"0002 - -") platform=$((platform + 1)) ;;
		*) missing="$missing $card(${1:-unlisted})" ;;
		esac
	done
	[ -z "$missing" ] && [ "$pci" = "$EXPECT_PCI" ] && [ "$platform" = "$EXPECT_PLATFORM" ]
}

# --- the PCI functions --------------------------------------------------------

bound=$(lspci -k -d 1234:11e8 | grep -c 'Kernel driver in use: nova_core')
check lspci-nova_core "$([ "$bound" = "$n" ]; echo $?)" \
	"$bound of $n edu functions bound to nova_core: $(lspci -k -d 1234:11e8 | tr '\n' ' ')"

aux=0 bad=
for dev in /sys/bus/auxiliary/devices/nova_core.drm.*; do
	[ -e "$dev" ] || continue
	aux=$((aux + 1))
	drv=$(readlink "$dev/driver")
	[ "${drv##*/}" = nova ] || bad="$bad ${dev##*/}(${drv##*/})"
done
check auxiliary-nova "$([ "$aux" = "$n" ] && [ -z "$bad" ]; echo $?)" \
	"$aux auxiliary devices for $n functions, not bound to nova:$bad"
[ "$n" -lt 1 ] || check auxiliary-drm-0 "$([ -e /sys/bus/auxiliary/devices/nova_core.drm.0 ]; echo $?)" \
	"no /sys/bus/auxiliary/devices/nova_core.drm.0"

EXPECT_PCI=$n EXPECT_PLATFORM=0
check_drmdevice
check drmdevice-pci $? "libdrm lists $pci nova cards on pci 1234:11e8 (of $n), $platform on platform;$missing"

listed=$("$us/novainfo" | grep -c '^nova device [0-9]*:')
check novainfo-all "$([ "$listed" = "$n" ]; echo $?)" "novainfo lists $listed nova devices, not $n"

if [ "$n" -ge 2 ]; then
	"$us/nova-prime-pair" | tee "$tmp/pair"
	check prime-pair "$(grep -q '^prime-pair: [0-9]* passed, 0 failed' "$tmp/pair"; echo $?)" \
		"a buffer shared between two nova devices lost its bytes (above)"
fi

# --- a virtual function besides ------------------------------------------------

if [ -n "${NOVA_CORE_KO:-}" ] && [ -n "${NOVA_KO:-}" ]; then
	rmmod nova && rmmod nova_core && insmod "$NOVA_CORE_KO" virtual_functions=1 &&
		insmod "$NOVA_KO"
	check virtual-load $? "cannot reload nova_core with virtual_functions=1"
	EXPECT_PCI=$n EXPECT_PLATFORM=1
	check_drmdevice
	check drmdevice-platform $? \
		"libdrm lists $pci nova cards on pci (of $n), $platform on platform (of 1);$missing"
	listed=$("$us/novainfo" | grep -c '^nova device [0-9]*:')
	check novainfo-virtual "$([ "$listed" = $((n + 1)) ]; echo $?)" \
		"novainfo lists $listed nova devices, not $((n + 1))"
	rmmod nova && rmmod nova_core && insmod "$NOVA_CORE_KO" && insmod "$NOVA_KO"
	check reload $? "cannot load nova_core and nova back as they were"
fi

rm -rf "$tmp"
echo "functions: $passed passed, $failed failed"
[ "$failed" = 0 ]
