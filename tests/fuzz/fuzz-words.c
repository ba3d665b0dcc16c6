/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: batch lines (untrusted files) through the tokenizer,
 * strict and lenient.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct tk_argv a;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	for (int lenient = 0; lenient < 2; lenient++)
		if (!tk_words_split(line, lenient, &a)) {
			for (int i = 0; i < a.n; i++)
				if (strlen(a.v[i]) > size)
					abort(); /* a word can never be longer than its line */
			tk_argv_free(&a);
		}
	free(line);
	return 0;
}
