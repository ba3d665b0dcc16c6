#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Completion comes from the binary: commands, options, values and live
# names; the bash script is a thin shell around `tunkit __complete`.
#
#   [ private netns ]  comptap0, br0
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

$TUNKIT -q create -m tap comptap0
t_is "$($TUNKIT __complete cr)" "create" "a command"
t_is "$($TUNKIT __complete create --mode '')" "tun
tap" "an option's values"
t_match "$($TUNKIT __complete delete --)" "--if-exists" "a command's options"
t_is "$($TUNKIT __complete show comp)" "comptap0" "a device made a moment ago"
t_is "$($TUNKIT __complete -j show comp)" "comptap0" "after a global option"
t_match "$($TUNKIT __complete -)" "--netns" "global options"

# the bash script, driven as bash would
. "$TOP_SRCDIR/completions/tunkit"
COMP_WORDS=("$TUNKIT" delete comp) COMP_CWORD=2
_tunkit
t_is "${COMPREPLY[*]}" "comptap0" "bash: live device name"
COMP_WORDS=("$TUNKIT" sho) COMP_CWORD=1
_tunkit
t_is "${COMPREPLY[*]}" "show" "bash: command"
t_done
