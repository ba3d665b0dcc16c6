/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Completion from the command table and live names.  The bash and zsh
 * scripts (through `tunkit __complete`) and the shell all call this, so no
 * completion list is ever kept by hand.
 */
#ifndef TK_COMPLETE_H
#define TK_COMPLETE_H

#include <stddef.h>

/* Marker the scripts turn into file-name completion. */
#define TK_COMPLETE_FILES "@file"

struct tk_words {
	char **v;
	size_t n, cap;
};

/*
 * Candidates for the last of words[0..n-1] (the words after "tunkit"; the
 * last may be ""), each starting with it.  out is filled with malloc'd
 * strings; free with tk_words_free.  Live names come from the namespace
 * given with -n among the words, or the current one.  0 or -errno.
 */
int tk_complete(int n, char **words, struct tk_words *out);
void tk_words_free(struct tk_words *w);
/* Adds s (copied) unless it is there already. */
void tk_words_add(struct tk_words *w, const char *s);

#endif
