/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Other programs' command lines, spoken by tunkit when invoked through a
 * link of that name (busybox-style).  Each returns the exit status.
 */
#ifndef TK_PERSONALITY_H
#define TK_PERSONALITY_H

#include "cmd.h"

/* uml-utilities' tunctl: -t NAME -d NAME -u USER -g GROUP -n -p -b -f PATH */
int tk_tunctl_main(struct tk_ctx *ctx, int argc, char **argv);

/* bridge-utils' brctl: addbr delbr addif delif show showmacs stp */
int tk_brctl_main(struct tk_ctx *ctx, int argc, char **argv);

#endif
