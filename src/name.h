/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interface names, checked before anything is touched: Linux truncates a
 * 16-byte name silently, so tunkit refuses it first.
 */
#ifndef TK_NAME_H
#define TK_NAME_H

#include <stdbool.h>

/*
 * Returns NULL when name is a valid interface name (or, with template, a
 * name with exactly one "%d"), else a constant string saying why not.
 */
const char *tk_name_invalid(const char *name, bool template);
/* True when name contains a "%d" template. */
bool tk_name_is_template(const char *name);
/* True when name contains glob characters (* ? [). */
bool tk_name_is_glob(const char *name);

#endif
