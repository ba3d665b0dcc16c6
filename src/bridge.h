/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bridge objects as JSON (json-bridge.c) and their text views, shared by
 * `tunkit bridge` and the brctl personality.  Keys follow `ip -j -d link`
 * (info_data, info_slave_data) and `bridge -j link` / `bridge -j fdb`.
 */
#ifndef TK_BRIDGE_H
#define TK_BRIDGE_H

#include <jansson.h>

#include "link.h"
#include "out.h"

/* A bridge with its settings and its ports (new reference). */
json_t *tk_json_bridge(const struct tk_snap *s, const struct tk_link *br);
/* A bridge's forwarding database (new array); br is the bridge's ifindex. */
json_t *tk_json_fdb(const struct tk_snap *s, const struct tk_fdb *f, size_t n);
/* "disabled", "listening", "learning", "forwarding", "blocking" */
const char *tk_brport_state_name(int state);
/* "8000.aa:bb:cc:dd:ee:ff" into buf (24 bytes) */
void tk_bridge_id_str(const uint8_t id[8], char buf[24]);

const struct tk_view *tk_bridge_view(void);
const struct tk_view *tk_fdb_view(void);

#endif
