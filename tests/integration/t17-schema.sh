#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real output validated against the published JSON Schemas (docs/schema/)
# with Debian's python3-jsonschema.
#
#   [ private netns ]  assorted devices: flags, owner, peer, IPv6, held, bridged
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || tk_skip_all "python3-jsonschema missing"

validate() { # schema-file desc < json
	/usr/bin/python3 -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(sys.stdin)
items = doc if isinstance(doc, list) else [doc]
for it in items:
    jsonschema.validate(it, schema)
print(len(items))' "$1" >"$T_OUT" 2>"$T_ERR"
	st=$?
	_t_report $st "$2"
	[ $st = 0 ] || _t_show
}

ip link add br0 type bridge
$TUNKIT -q create -m tap -u nobody -g users --pi --vnet-hdr --multi-queue --mtu 1400 \
	--addr 192.0.2.1/24 --addr 2001:db8::1/64 --up --master br0 s0
$TUNKIT -q create --addr 192.0.2.9 --peer-addr 192.0.2.10 s1
ip tuntap add dev s2 mode tap
pid=$(hold_tun s2 tap)
wait_for 60 tk_has_carrier s2
validate "$TOP_SRCDIR/docs/schema/device.json" "show -j matches device.json" < <($TUNKIT -j show)
t_is "$(cat "$T_OUT")" 3 "three devices validated"
$TUNKIT -j show -d --all-netns >/dev/null
# a device with a running tunnel: its state is part of the record
(umask 077 && $TUNKIT genkey "$T_OUT.key")
$TUNKIT tunnel --listen 127.0.0.1:5999 --key "$T_OUT.key" --dev s3 2>/dev/null &
tpid=$!
wait_for 60 sh -c "$TUNKIT -j show s3 | jq -en 'input | .[0].tunnel.role == \"listen\"'"
validate "$TOP_SRCDIR/docs/schema/device.json" "show -j with a running tunnel matches device.json" \
	< <($TUNKIT -j show s3)
kill -TERM $tpid; wait $tpid; rm -f "$T_OUT.key"
validate "$TOP_SRCDIR/docs/schema/device.json" "create -j matches device.json" \
	< <($TUNKIT -j create -m tap --count 2 'v%d')
validate "$TOP_SRCDIR/docs/schema/error.json" "a failure's JSON matches error.json" \
	< <($TUNKIT -j delete nosuch 2>&1 >/dev/null)
validate "$TOP_SRCDIR/docs/schema/error.json" "a usage error's JSON matches error.json" \
	< <($TUNKIT -j create --frob 2>&1 >/dev/null)

# with -j stderr is JSON Lines: warnings and dump's notes match their schemas too
$TUNKIT -q create -m tap w0
$TUNKIT -j stats -w 0.1 -c 1000 w0 s0 >"$T_OUT.s" 2>"$T_OUT.w" &
spid=$!
wait_for 60 test -s "$T_OUT.s"
$TUNKIT -q delete w0
wait_for 60 test -s "$T_OUT.w"
kill -INT $spid; wait $spid
validate "$TOP_SRCDIR/docs/schema/warning.json" "a warning's JSON matches warning.json" \
	< <(jq -s . "$T_OUT.w")
t_is "$(cat "$T_OUT")" 1 "one warning validated"
$TUNKIT -j dump lo >/dev/null 2>"$T_OUT.d" &
dpid=$!
wait_for 60 grep -q '^{"listening":' "$T_OUT.d"
kill -INT $dpid; wait $dpid
$TUNKIT -q create a0
$TUNKIT -j dump --attach a0 >/dev/null 2>>"$T_OUT.d" &
dpid=$!
wait_for 60 grep -q '^{"attached":' "$T_OUT.d"
kill -INT $dpid; wait $dpid
validate "$TOP_SRCDIR/docs/schema/dump-note.json" "dump's notes match dump-note.json" \
	< <(jq -s . "$T_OUT.d")
t_is "$(cat "$T_OUT")" 4 "listening, summary, attached, summary validated"
rm -f "$T_OUT.s" "$T_OUT.w" "$T_OUT.d"
kill $pid; wait $pid 2>/dev/null
t_done
