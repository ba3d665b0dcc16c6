/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the answers of dump --reply to untrusted frames from a
 * tun or tap (the first byte chooses which, and how much room the answer
 * gets).  Besides memory errors: an answer never exceeds its room, and the
 * checksums it writes verify.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct tk_reply_addr addrs[] = {
	{ AF_INET, { 192, 0, 2, 2 } },
	{ AF_INET6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } },
};

/* An IPv4 answer's header, and an ICMPv6 answer over its pseudo-header, sum to zero. */
static void verify(const uint8_t *ip, size_t n)
{
	uint32_t sum = 0;

	if (n >= 20 && ip[0] >> 4 == 4 && tk_reply_csum(ip, (size_t)(ip[0] & 15) * 4, 0))
		abort();
	if (n >= 48 && ip[0] >> 4 == 6) {
		for (int i = 8; i < 40; i += 2)
			sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
		if (tk_reply_csum(ip + 40, n - 40, sum + (uint32_t)(n - 40) + 58))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_reply_cfg c = { .mac = { 0x02, 0, 0x5e, 0, 0, 0xaa }, .addrs = addrs, .naddrs = 2 };
	size_t outsz, m;
	uint8_t *in, *out;

	if (!size)
		return 0;
	c.ether = data[0] & 1;
	outsz = data[0] & 2 ? (size_t)(data[0] >> 2) * 2 : 4096;
	in = malloc(size - 1 ? size - 1 : 1); /* exact sizes: any overrun is caught */
	out = malloc(outsz ? outsz : 1);
	memcpy(in, data + 1, size - 1);
	m = tk_reply(&c, in, size - 1, out, outsz);
	if (m > outsz)
		abort();
	if (m && c.ether && m >= 14 && (out[12] << 8 | out[13]) != 0x0806)
		verify(out + 14, m - 14);
	else if (m && !c.ether)
		verify(out, m);
	free(out);
	free(in);
	return 0;
}
