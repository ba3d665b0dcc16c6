#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Docs move with code: every command answers --help, the man pages render
# without warnings, the completion scripts parse.
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"

for c in $($TUNKIT __complete ''); do
	t_ok "$c --help" $TUNKIT $c --help
	t_match "$(t_stdout)" "^Usage: tunkit $c" "$c --help: usage line"
done
# a subcommand's help names it under its parent, and every option's help starts in one column
for c in "bridge add" "peer add" "peer set"; do
	t_ok "$c --help" $TUNKIT $c --help
	t_match "$(t_stdout)" "^Usage: tunkit $c " "$c --help: usage line"
done
t_ok "create --help" $TUNKIT create --help
t_is "$(t_stdout | grep -E '^  +-' | sed -E 's/^(  (-., |    )--[^ ]*( [^ ]+)? +).*/\1/' |
	awk '{ print length($0) }' | sort -u)" 33 "create --help: one column for the help text"
t_ok "tunkit --help" $TUNKIT --help
t_ok "tunkit -V" $TUNKIT -V
t_match "$(t_stdout)" '^tunkit [0-9]+\.[0-9]+' "version line"
for m in "$TOP_SRCDIR"/man/*.8; do
	out=$(groff -mandoc -Tutf8 -ww -z "$m" 2>&1)
	t_is "$out" "" "$(basename "$m") renders without warnings"
done
t_ok "bash completion parses" bash -n "$TOP_SRCDIR/completions/tunkit"
t_ok "ChangeLog names this version" grep -q "$($TUNKIT -V | cut -d' ' -f2)" "$TOP_SRCDIR/ChangeLog"

# make install: the binary, the tunctl link, the man page, both completions
inst=$(mktemp -d)
t_ok "make install" make -s -C "$TOP_BUILDDIR" install DESTDIR="$inst" prefix=/usr
for f in usr/bin/tunkit usr/share/man/man8/tunkit.8 usr/share/bash-completion/completions/tunkit \
	usr/share/zsh/vendor-completions/_tunkit; do
	t_ok "installed $f" test -f "$inst/$f"
done
t_is "$(readlink "$inst/usr/bin/tunctl")" "tunkit" "the tunctl link points at tunkit"
rm -rf "$inst"
t_done
