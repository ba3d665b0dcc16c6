/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Userspace answers for dump --attach --reply (see reply.h): ARP reply,
 * ICMP echo reply, ICMPv6 echo reply and neighbour advertisement.  Each
 * answer is the question copied and turned around, with fresh checksums.
 */
#include <string.h>
#include <sys/socket.h>

#include "reply.h"

#define ETH_LEN 14
#define IP6_LEN 40

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

uint16_t tk_reply_csum(const uint8_t *buf, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += get16(buf + i);
	if (len & 1)
		sum += (uint32_t)buf[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static bool ours(const struct tk_reply_cfg *cfg, int family, const uint8_t *a)
{
	for (size_t i = 0; i < cfg->naddrs; i++)
		if (cfg->addrs[i].family == family &&
		        !memcmp(cfg->addrs[i].addr, a, family == AF_INET ? 4 : 16))
			return true;
	return false;
}

static size_t arp(const struct tk_reply_cfg *cfg, const uint8_t *in, size_t len, uint8_t *out)
{
	const uint8_t *a = in + ETH_LEN;

	/* Ethernet/IPv4, request, for one of ours */
	if (len < ETH_LEN + 28 || get16(a) != 1 || get16(a + 2) != 0x0800 || a[4] != 6 ||
	        a[5] != 4 || get16(a + 6) != 1 || !ours(cfg, AF_INET, a + 24))
		return 0;
	memcpy(out, in + 6, 6);
	memcpy(out + 6, cfg->mac, 6);
	put16(out + 12, 0x0806);
	memcpy(out + ETH_LEN, a, 6);
	put16(out + ETH_LEN + 6, 2);
	memcpy(out + ETH_LEN + 8, cfg->mac, 6);
	memcpy(out + ETH_LEN + 14, a + 24, 4);
	memcpy(out + ETH_LEN + 18, a + 8, 10);
	return ETH_LEN + 28;
}

static size_t icmp4(const struct tk_reply_cfg *cfg, const uint8_t *ip, size_t len, uint8_t *out)
{
	size_t hl, tot;

	if (len < 20 || (ip[0] >> 4) != 4 || ip[9] != 1)
		return 0;
	hl = (size_t)(ip[0] & 15) * 4;
	tot = get16(ip + 2);
	/* no fragments, a whole echo request, to one of ours */
	if (hl < 20 || tot > len || tot < hl + 8 || (get16(ip + 6) & 0x3fff) || ip[hl] != 8 ||
	        ip[hl + 1] != 0 || !ours(cfg, AF_INET, ip + 16))
		return 0;
	memcpy(out, ip, tot);
	memcpy(out + 12, ip + 16, 4);
	memcpy(out + 16, ip + 12, 4);
	out[8] = 64;
	put16(out + 10, 0);
	put16(out + 10, tk_reply_csum(out, hl, 0));
	out[hl] = 0;
	put16(out + hl + 2, 0);
	put16(out + hl + 2, tk_reply_csum(out + hl, tot - hl, 0));
	return tot;
}

/* The ICMPv6 checksum over the pseudo-header and the message. */
static void csum6(uint8_t *ip, size_t plen)
{
	uint32_t sum = 0;

	for (int i = 8; i < 40; i += 2)
		sum += get16(ip + i);
	sum += (uint32_t)plen + 58;
	put16(ip + IP6_LEN + 2, 0);
	put16(ip + IP6_LEN + 2, tk_reply_csum(ip + IP6_LEN, plen, sum));
}

static bool unspecified(const uint8_t *a)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

static size_t icmp6(const struct tk_reply_cfg *cfg, const uint8_t *ip, size_t len, uint8_t *out,
        const uint8_t *peer_mac)
{
	size_t plen;
	uint8_t type;

	if (len < IP6_LEN + 8 || (ip[0] >> 4) != 6 || ip[6] != 58)
		return 0;
	plen = get16(ip + 4);
	type = ip[IP6_LEN];
	if (plen + IP6_LEN > len || plen < 8)
		return 0;
	if (type == 128 && ours(cfg, AF_INET6, ip + 24)) {
		memcpy(out, ip, IP6_LEN + plen);
		memcpy(out + 8, ip + 24, 16);
		memcpy(out + 24, ip + 8, 16);
		out[7] = 64;
		out[IP6_LEN] = 129;
		csum6(out, plen);
		return IP6_LEN + plen;
	}
	/* neighbour solicitation (tap only): answer with a solicited, override
	 * NA; not one for duplicate address detection (from ::), whose answer
	 * would go to all-nodes unsolicited */
	if (type != 135 || !peer_mac || plen < 24 || ip[7] != 255 ||
	        !ours(cfg, AF_INET6, ip + IP6_LEN + 8) || unspecified(ip + 8))
		return 0;
	memcpy(out, ip, 8);
	put16(out + 4, 32);
	memcpy(out + 8, ip + IP6_LEN + 8, 16);
	memcpy(out + 24, ip + 8, 16);
	memset(out + IP6_LEN, 0, 32);
	out[IP6_LEN] = 136;
	out[IP6_LEN + 4] = 0x60; /* solicited, override */
	memcpy(out + IP6_LEN + 8, ip + IP6_LEN + 8, 16);
	out[IP6_LEN + 24] = 2; /* target link-layer address option */
	out[IP6_LEN + 25] = 1;
	memcpy(out + IP6_LEN + 26, cfg->mac, 6);
	csum6(out, 32);
	return IP6_LEN + 32;
}

static size_t ip_reply(const struct tk_reply_cfg *cfg, const uint8_t *ip, size_t len, uint8_t *out,
        size_t outsz, const uint8_t *peer_mac)
{
	if (outsz < len || outsz < IP6_LEN + 32)
		return 0;
	if (len && (ip[0] >> 4) == 4)
		return icmp4(cfg, ip, len, out);
	if (len && (ip[0] >> 4) == 6)
		return icmp6(cfg, ip, len, out, peer_mac);
	return 0;
}

size_t tk_reply(
        const struct tk_reply_cfg *cfg, const uint8_t *in, size_t len, uint8_t *out, size_t outsz)
{
	size_t n;

	if (!cfg->ether)
		return ip_reply(cfg, in, len, out, outsz, NULL);
	if (len < ETH_LEN || outsz < ETH_LEN + 28)
		return 0;
	if (get16(in + 12) == 0x0806)
		return arp(cfg, in, len, out);
	if (get16(in + 12) != 0x0800 && get16(in + 12) != 0x86dd)
		return 0;
	n = ip_reply(cfg, in + ETH_LEN, len - ETH_LEN, out + ETH_LEN, outsz - ETH_LEN, in + 6);
	if (!n)
		return 0;
	memcpy(out, in + 6, 6);
	memcpy(out + 6, cfg->mac, 6);
	memcpy(out + 12, in + 12, 2);
	return n + ETH_LEN;
}
