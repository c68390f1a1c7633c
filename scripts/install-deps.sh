#!/bin/sh
# Installs the Debian 12 packages that building and testing signet need,
# only those that are missing. As root it runs apt-get; otherwise it prints
# the exact command and exits 1.
set -eu

PKGS="build-essential meson ninja-build pkg-config clang llvm libclang-rt-14-dev
libssl-dev libcmocka-dev libyaml-dev libuv1-dev liblmdb-dev
python3 python3-dnspython python3-pytest python3-yaml
ldnsutils bind9 bind9-utils bind9-dnsutils knot knot-dnsutils nsd unbound dnsperf"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "signet needs these Debian packages:$missing" >&2
	echo "run: sudo apt-get install -y$missing" >&2
	exit 1
fi

echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
