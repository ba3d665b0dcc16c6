#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# build.sh demo|check|deps|build: the README's commands for a fresh Debian 12
# machine, run as root.  Installs what is missing (only that), builds in
# build/, then runs the demonstration or the whole test suite.
set -eu
cd "$(dirname "$0")"

PKGS="build-essential autoconf automake pkg-config libnl-3-dev libnl-route-3-dev
libjansson-dev libreadline-dev libsodium-dev libpcap-dev check iproute2 jq valgrind
python3-jsonschema clang libclang-rt-14-dev tcpdump iperf3 nftables tmux bash-completion
iputils-ping"

deps() {
	missing=""
	for p in $PKGS; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "build.sh: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

build() {
	[ -x configure ] || autoreconf -fi >/dev/null 2>&1
	mkdir -p build
	(cd build && { [ -f Makefile ] || ../configure --enable-werror -q; } && make -j"$(nproc)" -s)
}

case "${1:-}" in
deps) deps ;;
build) deps; build ;;
demo) deps; build; bash examples/two-sites.sh build/tunkit && exec sh examples/demo.sh build/tunkit ;;
check) deps; build; exec sh tests/run.sh ;;
*) echo "usage: $0 demo|check|deps|build" >&2; exit 2 ;;
esac
