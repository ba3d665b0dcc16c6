#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input: one clear line naming the command and the object, exit 2 for
# usage and 1 for failure, only JSON on stderr with -j, and nothing changed.
#
#   [ private netns ]  tap0, br0
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

$TUNKIT -q create -m tap tap0
ip link add br0 type bridge
before=$(link_snapshot)

usage() { # desc expected-stderr-regex args...
	desc=$1 re=$2; shift 2
	t_status 2 "$desc" $TUNKIT "$@"
	t_match "$(t_stderr)" "$re" "$desc: message"
	t_is "$(t_stderr | wc -l)" 1 "$desc: one line"
}
usage "unknown command" '^tunkit: unknown command "frob"' frob
usage "unknown global option" '^tunkit: unknown option "--frob"' --frob show
usage "unknown option" '^tunkit: create: unknown option "--frob"' create --frob x
usage "missing option value" '^tunkit: create: option "--mtu" needs a value' create x --mtu
usage "16-byte name" '^tunkit: create: "abcdefghijklmnop": name too long \(at most 15 bytes\)' create abcdefghijklmnop
usage "name with /" "^tunkit: create: \"a/b\": '/' is not allowed" create a/b
usage "name with a space" '^tunkit: create: "a b": whitespace' create "a b"
usage "name ." '^tunkit: create: ".": "." and ".." are not names' create .
usage "name .." '^tunkit: create: "..": "." and ".." are not names' create ..
usage "%d outside create" "^tunkit: delete: \"tap%d\": '%' is not allowed here" delete 'tap%d'
usage "bad template" '^tunkit: create: "t%s": a template has exactly one' create 't%s'
usage "bad mode" '^tunkit: create: mode "tip": expected tun or tap' create -m tip x
usage "unknown user" '^tunkit: create: unknown user "no-such-user-tk"' create -u no-such-user-tk x
usage "unknown group" '^tunkit: create: unknown group "no-such-group-tk"' create -g no-such-group-tk x
usage "mtu out of range" '^tunkit: create: mtu "20": expected 68 to 65535' create --mtu 20 x
usage "bad mac" '^tunkit: create: mac "zz"' create -m tap --mac zz x
usage "mac on a tun" '^tunkit: create: --mac needs --mode tap' create --mac 02:00:00:00:00:01 x
usage "--count without template" '^tunkit: create: --count needs a name template' create --count 2 x
usage "bad address" '^tunkit: create: address "192.0.2.300/24"' create --addr 192.0.2.300/24 x
usage "peer without address" '^tunkit: create: --peer-addr needs an --addr' create --peer-addr 192.0.2.2 x
usage "too many operands" '^tunkit: create: unexpected operand "y"' create x y
usage "show: bad name" '^tunkit: show: "a/b"' show a/b

fail() { # desc expected-stderr-regex args...
	desc=$1 re=$2; shift 2
	t_status 1 "$desc" $TUNKIT "$@"
	t_match "$(t_stderr)" "$re" "$desc: message"
}
fail "name taken by a tap" '^tunkit: create: tap0: already exists \(a tap\)$' create tap0
fail "name taken by a bridge" '^tunkit: create: br0: already exists \(a bridge\)$' create -m tap br0
fail "master missing" '^tunkit: create: nobr: no such bridge$' create -m tap --master nobr x
fail "master not a bridge" '^tunkit: create: tap0: not a bridge \(a tap\)$' create -m tap --master tap0 x
fail "kernel refuses the MTU" 'tunkit: create: x: settings: Invalid argument \(kernel: .*\)$' create -m tap --mtu 65535 x
fail "no such namespace" '^tunkit: nons-tk: no such network namespace$' -n nons-tk show

# without CAP_NET_ADMIN
t_status 1 "unprivileged create" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all $TUNKIT create x
t_match "$(t_stderr)" '^tunkit: create: x: (Operation not permitted|Permission denied) \(need CAP_NET_ADMIN\)$' \
	"says which capability is missing"

# -j: nothing on stdout, stderr the error object alone (every command: t20)
t_status 1 "-j failure" $TUNKIT -j delete br0
t_is "$(t_stdout)" "" "-j: stdout empty on failure"
t_is "$(t_stderr | jq -sc 'map(.error | [.command,.object,.status])')" '[["delete","br0",1]]' \
	"-j: stderr is the error object alone"
t_status 1 "-j show of a missing device" $TUNKIT -j show nosuch
t_is "$(t_stdout)" "" "-j: stdout empty when show fails"
t_status 2 "-j usage" $TUNKIT -j create --frob x
t_is "$(t_stderr | jq -sc 'map(.error.status)')" '[2]' "-j: the usage error object alone"

t_is "$(link_snapshot)" "$before" "no bad input changed anything"
t_done
