/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Underlay endpoint parsing and rendering for the tunnel (see sockaddr.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sockaddr.h"

/* Splits s into host (maybe "") and port; 0 or -EINVAL. */
static int split(const char *s, char *host, size_t hsize, const char **port)
{
	const char *c;
	size_t n;

	if (s[0] == '[') {
		c = strchr(s, ']');
		if (!c || c[1] != ':')
			return -EINVAL;
		n = (size_t)(c - s - 1);
		s++;
		*port = c + 2;
	} else {
		c = strrchr(s, ':');
		if (c && strchr(s, ':') != c)
			return -EINVAL; /* a bare IPv6 address needs brackets */
		n = c ? (size_t)(c - s) : 0;
		*port = c ? c + 1 : s;
	}
	if (n >= hsize)
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	return 0;
}

int tk_sockaddr_parse(const char *s, bool passive, struct sockaddr_storage *out,
		      socklen_t *len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV }, *res;
	char host[256], *end;
	const char *port;
	long p;

	if (split(s, host, sizeof(host), &port))
		return -EINVAL;
	p = strtol(port, &end, 10);
	if (!*port || *end || p < 1 || p > 65535)
		return -EINVAL;
	if (!*host && !passive)
		return -EINVAL;
	if (!*host) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;

		memset(out, 0, sizeof(*out));
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_any;
		a->sin6_port = htons((uint16_t)p);
		*len = sizeof(*a);
		return 0;
	}
	if (passive)
		hints.ai_flags |= AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &res))
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

bool tk_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return false;
}

char *tk_sockaddr_str(const struct sockaddr_storage *a, char *buf, size_t size)
{
	char h[INET6_ADDRSTRLEN];

	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;

		inet_ntop(AF_INET, &x->sin_addr, h, sizeof(h));
		snprintf(buf, size, "%s:%u", h, ntohs(x->sin_port));
	} else if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;

		if (IN6_IS_ADDR_V4MAPPED(&x->sin6_addr)) {
			inet_ntop(AF_INET, &x->sin6_addr.s6_addr[12], h, sizeof(h));
			snprintf(buf, size, "%s:%u", h, ntohs(x->sin6_port));
		} else {
			inet_ntop(AF_INET6, &x->sin6_addr, h, sizeof(h));
			snprintf(buf, size, "[%s]:%u", h, ntohs(x->sin6_port));
		}
	} else {
		snprintf(buf, size, "-");
	}
	return buf;
}

json_t *tk_sockaddr_json(const struct sockaddr_storage *a)
{
	char buf[80];

	if (a->ss_family != AF_INET && a->ss_family != AF_INET6)
		return json_null();
	return json_string(tk_sockaddr_str(a, buf, sizeof(buf)));
}
