/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Splitting a command line into words with shell-like quoting, for the
 * shell and batch files (untrusted input: fuzzed).  Pure: no I/O.
 */
#ifndef TK_WORDS_H
#define TK_WORDS_H

#include <stddef.h>

/* Longest line accepted (bytes, without the newline). */
#define TK_LINE_MAX 65536

struct tk_argv {
	char **v; /* NULL-terminated */
	int n;
	int open_quote; /* the quote still open at the end ('\'' or '"'), or 0 */
	size_t last_start; /* offset of the last word in the line */
};

/*
 * Splits line: blanks separate words; '...' is literal; "..." keeps blanks
 * and takes \" \\ \$ \` escapes; a backslash outside quotes escapes the next
 * character; '#' at the start of a word starts a comment.  Returns 0, or a
 * constant message ("unbalanced quote", "line too long") unless lenient,
 * which accepts an open quote (for completion).  Free with tk_argv_free.
 */
const char *tk_words_split(const char *line, int lenient, struct tk_argv *out);
void tk_argv_free(struct tk_argv *a);

#endif
