#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tunkit genkey: 32 random bytes in base64, a new one each time; to a file
# with mode 0600 whatever the umask; an existing directory path fails with
# status 1; a second operand is a usage error.  tunkit pubkey: the X25519
# public key of such a key, from a file or a line of stdin (RFC 7748's test
# keys; a random key against python3's cryptography when it is there), and
# the same failures.  No network needed.
. "$TOP_SRCDIR/tests/integration/lib.sh"
D=$(mktemp -d /tmp/tk-genkey.XXXXXX)
trap 'rm -rf "$D" "$T_OUT" "$T_ERR"' EXIT

t_ok "genkey: to stdout" "$TUNKIT" genkey
k1=$(t_stdout)
t_is "$(printf '%s' "$k1" | base64 -d | wc -c)" 32 "genkey: 32 bytes of base64"
t_ok "genkey: again" "$TUNKIT" genkey
t_is "$([ "$(t_stdout)" != "$k1" ] && echo differ)" differ "genkey: a new key each time"
t_ok "genkey: to a file under umask 000" sh -c "umask 000; '$TUNKIT' genkey '$D/k'"
t_is "$(stat -c %a "$D/k")" 600 "genkey: the file is mode 0600"
t_is "$(base64 -d <"$D/k" | wc -c)" 32 "genkey: the file holds a key"
t_status 1 "genkey: a directory fails" "$TUNKIT" genkey "$D"
t_match "$(t_stderr)" "^tunkit: genkey: $D: " "genkey: ... with one line naming it"
t_status 2 "genkey: two operands" "$TUNKIT" genkey a b
t_is "$(ls "$D")" k "genkey: no temporary file left behind"

# RFC 7748, 6.1: Alice's and Bob's private keys and their public keys, in base64
# (alice 77076d0a...2c2a -> 8520f009...4e6a, bob 5dab087e...e0eb -> de9edb7d...2b4f)
alice=dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=
alice_pub=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=
bob=XasIfmJKikt54X+Lg4AO5m87sSkmGLb9HC+LJ/+I4Os=
bob_pub=3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=
(umask 077 && echo "$alice" >"$D/alice" && echo "$bob" >"$D/bob")
t_ok "pubkey: a key file" "$TUNKIT" pubkey "$D/alice"
t_is "$(t_stdout)" "$alice_pub" "pubkey: RFC 7748's Alice"
t_is "$(t_stdout | wc -l)" 1 "pubkey: one line"
t_ok "pubkey: another" "$TUNKIT" pubkey "$D/bob"
t_is "$(t_stdout)" "$bob_pub" "pubkey: RFC 7748's Bob"
t_ok "pubkey: from stdin" sh -c "printf ' %s \r\nmore\n' '$alice' | '$TUNKIT' pubkey"
t_is "$(t_stdout)" "$alice_pub" "pubkey: the first line of stdin, white space around it ignored"
t_ok "pubkey: - is stdin" sh -c "'$TUNKIT' pubkey - <'$D/bob'"
t_is "$(t_stdout)" "$bob_pub" "pubkey: - reads stdin"
t_ok "pubkey: -j" "$TUNKIT" -j pubkey "$D/alice"
t_is "$(t_stdout | jq -c .)" "{\"public_key\":\"$alice_pub\"}" "pubkey -j: {public_key}"

# a fresh key: the same answer twice, 44 characters, another key another answer
"$TUNKIT" genkey "$D/k2"
t_ok "pubkey: a genkey key" "$TUNKIT" pubkey "$D/k"
p1=$(t_stdout)
t_ok "pubkey: again" "$TUNKIT" pubkey "$D/k"
t_is "$(t_stdout)" "$p1" "pubkey: deterministic"
t_is "${#p1} $(printf '%s' "$p1" | base64 -d | wc -c)" "44 32" "pubkey: 32 bytes of base64"
t_ok "pubkey: a second genkey key" "$TUNKIT" pubkey "$D/k2"
t_is "$([ "$(t_stdout)" != "$p1" ] && echo differ)" differ "pubkey: two keys, two public keys"
t_is "$([ "$p1" != "$(cat "$D/k")" ] && echo differ)" differ "pubkey: not the private key"
if /usr/bin/python3 -c 'import cryptography' 2>/dev/null; then
	py=$(/usr/bin/python3 -c '
import base64, sys
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
k = X25519PrivateKey.from_private_bytes(base64.b64decode(open(sys.argv[1]).read()))
print(base64.b64encode(k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode())' \
		"$D/k")
	t_is "$p1" "$py" "pubkey: what python3's cryptography computes"
else
	t_skip "python3 cryptography missing: no second X25519 to compare with"
fi

# failures: status 1 and one line naming the object, nothing on stdout; usage: 2
t_status 1 "pubkey: not a key on stdin" sh -c "echo nope | '$TUNKIT' pubkey"
t_is "$(t_stderr)" 'tunkit: pubkey: stdin: not a key (make one with "tunkit genkey")' \
	"pubkey: ... naming stdin"
t_is "$(t_stdout)" "" "pubkey: ... and printing nothing"
t_status 1 "pubkey: empty stdin" sh -c "'$TUNKIT' pubkey </dev/null"
t_status 1 "pubkey: a key and more on its line" sh -c "echo '$alice x' | '$TUNKIT' pubkey"
t_status 1 "pubkey: a file that is no key" "$TUNKIT" pubkey "$D/k.none"
t_match "$(t_stderr)" "^tunkit: pubkey: $D/k.none: No such file" "pubkey: ... naming it"
(umask 077 && echo "not a key" >"$D/bad")
t_status 1 "pubkey: a file that holds no key" "$TUNKIT" pubkey "$D/bad"
t_is "$(t_stderr)" "tunkit: pubkey: $D/bad: not a key (make one with \"tunkit genkey\")" \
	"pubkey: ... naming it"
chmod 640 "$D/alice"
t_status 1 "pubkey: a key group may read" "$TUNKIT" pubkey "$D/alice"
t_is "$(t_stderr)" "tunkit: pubkey: $D/alice: readable by group or others (chmod 600 it)" \
	"pubkey: ... says so"
t_status 1 "pubkey -j: a failure" "$TUNKIT" -j pubkey "$D/bad"
t_is "$(t_stdout)$(jq -c '.error | [.command, .object, .status]' <"$T_ERR")" \
	"[\"pubkey\",\"$D/bad\",1]" "pubkey -j: an error object only"
t_status 2 "pubkey: two operands" "$TUNKIT" pubkey "$D/k" "$D/k2"
t_done
