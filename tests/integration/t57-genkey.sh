#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tunkit genkey: 32 random bytes in base64, a new one each time; to a file
# with mode 0600 whatever the umask; an existing directory path fails with
# status 1; a second operand is a usage error.  No network needed.
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
t_done
