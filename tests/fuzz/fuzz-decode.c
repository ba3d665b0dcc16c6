/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the packet decoder and its text, for every link type
 * and prefix (the first byte chooses), on untrusted bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_dec_opts o = { 0 };
	uint8_t *p;
	json_t *j;
	char *t;

	if (!size)
		return 0;
	o.vnet_hdr_len = (data[0] >> 2) & 1 ? ((data[0] >> 3) & 1 ? 12 : 10) : 0;
	p = malloc(size - 1 ? size - 1 : 1); /* exact size: any overread is caught */
	memcpy(p, data + 1, size - 1);
	j = tk_dec_packet(p, size - 1, size - 1, (enum tk_dec_link)(data[0] % 4), &o);
	json_decref(j);
	t = tk_dec_text(p, size - 1, size - 1, (enum tk_dec_link)(data[0] % 4), &o,
			TK_DEC_FMT_LINK);
	free(t);
	t = tk_dec_hexdump(p, size - 1);
	free(t);
	free(p);
	return 0;
}
