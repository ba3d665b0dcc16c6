/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small shell-like tokenizer: quotes, escapes, comments; never reads past
 * the terminating NUL and never writes past what it allocated.
 */
#include <stdlib.h>
#include <string.h>

#include "words.h"

static int push(struct tk_argv *a, const char *w, size_t len)
{
	char **v = realloc(a->v, ((size_t)a->n + 2) * sizeof(*v));

	if (!v)
		return -1;
	a->v = v;
	v[a->n] = malloc(len + 1);
	if (!v[a->n])
		return -1;
	memcpy(v[a->n], w, len);
	v[a->n][len] = '\0';
	v[++a->n] = NULL;
	return 0;
}

void tk_argv_free(struct tk_argv *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* One word starting at *pp into buf; advances *pp.  Returns its length. */
static size_t word(const char **pp, char *buf, int *quote)
{
	const char *p = *pp;
	size_t n = 0;

	for (; *p; p++) {
		if (*quote == '\'') {
			if (*p == '\'')
				*quote = 0;
			else
				buf[n++] = *p;
		} else if (*quote == '"') {
			if (*p == '"')
				*quote = 0;
			else if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
				buf[n++] = *++p;
			else
				buf[n++] = *p;
		} else if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			break;
		} else if (*p == '\'' || *p == '"') {
			*quote = *p;
		} else if (*p == '\\' && p[1]) {
			buf[n++] = *++p;
		} else {
			buf[n++] = *p;
		}
	}
	*pp = p;
	return n;
}

const char *tk_words_split(const char *line, int lenient, struct tk_argv *out)
{
	size_t len = strlen(line);
	const char *p = line;
	char *buf;
	int quote = 0;

	memset(out, 0, sizeof(*out));
	if (len > TK_LINE_MAX)
		return "line too long";
	buf = malloc(len + 1);
	out->v = calloc(1, sizeof(*out->v));
	if (!buf || !out->v) {
		free(buf);
		return "out of memory";
	}
	for (;;) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		out->last_start = (size_t)(p - line);
		n = word(&p, buf, &quote);
		if (push(out, buf, n)) {
			free(buf);
			tk_argv_free(out);
			return "out of memory";
		}
		if (quote)
			break;
	}
	free(buf);
	out->open_quote = quote;
	if (quote && !lenient) {
		tk_argv_free(out);
		return "unbalanced quote";
	}
	return NULL;
}
