#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t50-tunnel-udp.sh again with --no-offload on every tunnel: the plain path, one packet
# per system call, must pass the same checks as the batched one.
TN_TUNNEL_ARGS=--no-offload exec bash "$TOP_SRCDIR/tests/integration/t50-tunnel-udp.sh" "$@"
