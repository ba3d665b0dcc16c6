/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ctrl-C for long-running commands (stats --watch, monitor, dump, tunnel):
 * SIGINT and SIGTERM set a flag instead of killing the process, so the
 * command ends cleanly (and, in the shell, only the command ends).
 */
#ifndef TK_SIG_H
#define TK_SIG_H

#include <stdbool.h>

/* Installs the handlers (without SA_RESTART: blocking calls return EINTR)
 * and clears the flag. */
void tk_sig_catch(void);
/* Restores the actions in place before tk_sig_catch(). */
void tk_sig_release(void);
/* True once SIGINT or SIGTERM arrived since tk_sig_catch(). */
bool tk_sig_interrupted(void);
/* Sleeps seconds, returning early (false) when interrupted. */
bool tk_sig_sleep(double seconds);

#endif
