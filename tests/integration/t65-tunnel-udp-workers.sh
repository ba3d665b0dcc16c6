#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t50-tunnel-udp.sh again with two workers on every tunnel: a device queue, a socket and
# sessions each, the listening port shared; every check of the one-worker tunnel holds.
TN_TUNNEL_ARGS="--workers 2" exec bash "$TOP_SRCDIR/tests/integration/t50-tunnel-udp.sh" "$@"
