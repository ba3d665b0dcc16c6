/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TEMPORARY pre-shared-key sealing for tunnel data frames (see psk.h): to be
 * replaced by engine/crypto.c and engine/replay.c from branch engine-proto.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/psk.h"

int tk_psk_read(const char *path, uint8_t key[32])
{
	char buf[256];
	struct stat st;
	size_t klen = 0;
	ssize_t n;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (st.st_mode & 077)
		r = -EKEYREJECTED;
	n = r ? 0 : read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		r = -errno;
	close(fd);
	if (r)
		return r;
	buf[n] = '\0';
	if (sodium_base642bin(key, 32, buf, (size_t)n, " \t\r\n", &klen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    klen != 32)
		r = -EINVAL;
	sodium_memzero(buf, sizeof(buf));
	return r;
}

void tk_psk_init(struct tk_psk *p, const uint8_t key[32])
{
	memset(p, 0, sizeof(*p));
	memcpy(p->key, key, 32);
	randombytes_buf(&p->sender, sizeof(p->sender));
}

static void put64(uint8_t *d, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		d[i] = (uint8_t)v;
}

static uint64_t get64(const uint8_t *s)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | s[i];
	return v;
}

static void nonce_of(const uint8_t *hdr, uint8_t n[24])
{
	memset(n, 0, 24);
	memcpy(n, hdr + 4, 16);
}

uint8_t *tk_psk_seal(struct tk_psk *p, int type, uint8_t *pkt, size_t len)
{
	uint8_t *h = pkt - TK_PSK_HDR, n[24];

	memset(h, 0, 4);
	h[0] = (uint8_t)type;
	put64(h + 4, p->sender);
	put64(h + 12, p->tx_ctr++);
	nonce_of(h, n);
	crypto_aead_xchacha20poly1305_ietf_encrypt(pkt, NULL, pkt, len, h, TK_PSK_HDR, NULL, n,
						   p->key);
	return h;
}

int tk_psk_open(struct tk_psk *p, uint8_t *frame, size_t len, int *type, bool *new_sender)
{
	uint8_t n[24];
	uint64_t sender, ctr;
	bool same;

	*new_sender = false;
	if (len < TK_PSK_OVERHEAD || frame[0] < TK_PSK_DATA || frame[0] > TK_PSK_HELLO ||
	    frame[1] | frame[2] | frame[3])
		return -EBADMSG;
	sender = get64(frame + 4);
	ctr = get64(frame + 12);
	same = p->have_rx && sender == p->rx_sender;
	/* a replay of the current stream costs no decryption */
	if (same && tk_replay_check(&p->rx_window, ctr))
		return -EALREADY;
	nonce_of(frame, n);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(frame + TK_PSK_HDR, NULL, NULL,
						       frame + TK_PSK_HDR, len - TK_PSK_HDR, frame,
						       TK_PSK_HDR, n, p->key))
		return -EBADMSG;
	if (!same) {
		/* a new stream after authentication: the peer (re)started */
		p->have_rx = true;
		p->rx_sender = sender;
		tk_replay_init(&p->rx_window, UINT64_MAX);
		*new_sender = true;
	}
	if (tk_replay_update(&p->rx_window, ctr))
		return -EALREADY;
	*type = frame[0];
	return (int)(len - TK_PSK_OVERHEAD);
}
