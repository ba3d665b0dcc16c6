/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Named network namespaces (those `ip netns add` makes under /run/netns).
 * Silent: returns 0 or -errno.
 */
#ifndef TK_NETNS_H
#define TK_NETNS_H

#include <stddef.h>

#define TK_NETNS_DIR "/run/netns"

/* Moves the calling thread into namespace name; -ENOENT if there is none. */
int tk_netns_enter(const char *name);
/* An fd on the current namespace, to come back with tk_netns_restore (which closes it). */
int tk_netns_save(void);
int tk_netns_restore(int fd);
/* Sorted names of all named namespaces; free with tk_netns_list_free. */
int tk_netns_list(char ***names, size_t *n);
void tk_netns_list_free(char **names, size_t n);

#endif
