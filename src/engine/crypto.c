/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Data frames, sealed and opened in place.  The nonce is 4 zero bytes then the 64-bit
 * counter little-endian; the 16-byte header is the associated data, so type, index and
 * counter are authenticated too.  Keys are per direction, so a frame reflected back to its
 * sender is opened with the other key and fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "frame.h"

unsigned tk_crypto_ciphers(void)
{
	return TK_CIPHER_CHACHA20POLY1305 |
	       (crypto_aead_aes256gcm_is_available() ? TK_CIPHER_AES256GCM : 0);
}

unsigned tk_crypto_pick(unsigned offered, unsigned local)
{
	unsigned both = offered & local;

	if (both & TK_CIPHER_AES256GCM)
		return TK_CIPHER_AES256GCM;
	if (both & TK_CIPHER_CHACHA20POLY1305)
		return TK_CIPHER_CHACHA20POLY1305;
	return 0;
}

int tk_crypto_session_init(struct tk_session *s, unsigned cipher, bool initiator,
        const uint8_t send_key[TK_KEY_LEN], const uint8_t recv_key[TK_KEY_LEN],
        uint32_t local_index, uint32_t remote_index, uint64_t now_ns)
{
	if (cipher != TK_CIPHER_CHACHA20POLY1305 && cipher != TK_CIPHER_AES256GCM)
		return -EINVAL;
	if (cipher == TK_CIPHER_AES256GCM && !crypto_aead_aes256gcm_is_available())
		return -ENOTSUP;
	sodium_memzero(s, sizeof(*s));
	memcpy(s->send_key, send_key, TK_KEY_LEN);
	memcpy(s->recv_key, recv_key, TK_KEY_LEN);
	if (cipher == TK_CIPHER_AES256GCM) {
		/* expand the AES key schedules once per session */
		crypto_aead_aes256gcm_beforenm(&s->aes_send, s->send_key);
		crypto_aead_aes256gcm_beforenm(&s->aes_recv, s->recv_key);
	}
	s->cipher = cipher;
	s->initiator = initiator;
	s->local_index = local_index;
	s->remote_index = remote_index;
	s->created_ns = now_ns;
	tk_crypto_session_set_limits(s, TK_REKEY_AFTER_MESSAGES, TK_REJECT_AFTER_MESSAGES);
	tk_crypto_session_set_times(s, TK_REKEY_AFTER_SEC * TK_NSEC, TK_REJECT_AFTER_SEC * TK_NSEC);
	return 0;
}

void tk_crypto_session_set_times(struct tk_session *s, uint64_t rekey_after_ns,
        uint64_t reject_after_ns)
{
	s->rekey_after_ns = rekey_after_ns;
	s->reject_after_ns = reject_after_ns;
}

void tk_crypto_session_set_limits(struct tk_session *s, uint64_t rekey_after, uint64_t reject_after)
{
	s->rekey_after = rekey_after;
	s->reject_after = reject_after;
	tk_replay_init(&s->replay, reject_after);
}

static void make_nonce(uint8_t npub[12], const uint8_t *hdr)
{
	memset(npub, 0, 4);
	memcpy(npub + 4, hdr + 8, 8); /* the counter, already little-endian */
}

int tk_crypto_seal_to(struct tk_session *s, uint8_t *frame, const uint8_t *payload,
        size_t payload_len, size_t cap, size_t *frame_len)
{
	uint8_t *p = frame + TK_FRAME_DATA_HDR, npub[12];

	if (payload_len > TK_FRAME_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (cap < payload_len + TK_FRAME_OVERHEAD)
		return -ENOSPC;
	if (s->send_counter >= s->reject_after)
		return -EKEYEXPIRED;
	tk_frame_put_data(frame, s->remote_index, s->send_counter);
	make_nonce(npub, frame);
	if (s->cipher == TK_CIPHER_AES256GCM)
		crypto_aead_aes256gcm_encrypt_detached_afternm(p, p + payload_len, NULL, payload,
		        payload_len, frame, TK_FRAME_DATA_HDR, NULL, npub, &s->aes_send);
	else
		crypto_aead_chacha20poly1305_ietf_encrypt_detached(p, p + payload_len, NULL, payload,
		        payload_len, frame, TK_FRAME_DATA_HDR, NULL, npub, s->send_key);
	s->send_counter++;
	*frame_len = payload_len + TK_FRAME_OVERHEAD;
	return 0;
}

int tk_crypto_seal(
        struct tk_session *s, uint8_t *frame, size_t payload_len, size_t cap, size_t *frame_len)
{
	return tk_crypto_seal_to(s, frame, frame + TK_FRAME_DATA_HDR, payload_len, cap, frame_len);
}

int tk_crypto_open(struct tk_session *s, uint8_t *frame, size_t len, size_t *payload_len)
{
	uint8_t *p = frame + TK_FRAME_DATA_HDR, npub[12];
	struct tk_frame f;
	size_t n;
	int r;

	if (tk_frame_parse(frame, len, &f) < 0 || f.type != TK_FRAME_DATA)
		return -EBADMSG;
	if (f.receiver != s->local_index)
		return -EBADMSG;
	/* cheap, before spending an AEAD on it; the window itself changes only below */
	r = tk_replay_check(&s->replay, f.counter);
	if (r < 0)
		return r;
	n = f.payload_len;
	make_nonce(npub, frame);
	if (s->cipher == TK_CIPHER_AES256GCM)
		r = crypto_aead_aes256gcm_decrypt_detached_afternm(
		        p, NULL, p, n, p + n, frame, TK_FRAME_DATA_HDR, npub, &s->aes_recv);
	else
		r = crypto_aead_chacha20poly1305_ietf_decrypt_detached(
		        p, NULL, p, n, p + n, frame, TK_FRAME_DATA_HDR, npub, s->recv_key);
	if (r != 0)
		return -EBADMSG;
	r = tk_replay_update(&s->replay, f.counter);
	if (r < 0)
		return r;
	s->confirmed = true;
	*payload_len = n;
	return 0;
}

/* Age on the caller's monotonic clock; a clock that went backwards counts as new. */
static uint64_t age_ns(const struct tk_session *s, uint64_t now_ns)
{
	return now_ns > s->created_ns ? now_ns - s->created_ns : 0;
}

bool tk_crypto_needs_rekey(const struct tk_session *s, uint64_t now_ns)
{
	/* the peer's counter too: a one-way flow from the responder must rekey as well */
	if (s->send_counter >= s->rekey_after || s->replay.top > s->rekey_after)
		return true;
	return s->initiator && age_ns(s, now_ns) >= s->rekey_after_ns;
}

bool tk_crypto_expired(const struct tk_session *s, uint64_t now_ns)
{
	return s->send_counter >= s->reject_after ||
	       age_ns(s, now_ns) >= s->reject_after_ns;
}

void tk_crypto_session_wipe(struct tk_session *s)
{
	sodium_memzero(s, sizeof(*s));
}

void tk_crypto_key_generate(uint8_t key[TK_KEY_LEN])
{
	randombytes_buf(key, TK_KEY_LEN);
}

void tk_crypto_key_encode(const uint8_t key[TK_KEY_LEN], char out[TK_KEY_B64_SIZE])
{
	sodium_bin2base64(out, TK_KEY_B64_SIZE, key, TK_KEY_LEN, sodium_base64_VARIANT_ORIGINAL);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int tk_crypto_key_parse(const char *text, size_t len, uint8_t key[TK_KEY_LEN])
{
	const char *end = NULL;
	size_t n = 0;

	while (len && is_space(*text))
		text++, len--;
	while (len && is_space(text[len - 1]))
		len--;
	if (len != TK_KEY_B64_SIZE - 1 ||
	        sodium_base642bin(key, TK_KEY_LEN, text, len, NULL, &n, &end,
	                sodium_base64_VARIANT_ORIGINAL) != 0 ||
	        n != TK_KEY_LEN || end != text + len) {
		sodium_memzero(key, TK_KEY_LEN);
		return -EINVAL;
	}
	return 0;
}

int tk_crypto_key_read(const char *path, uint8_t key[TK_KEY_LEN])
{
	char buf[256];
	struct stat st;
	ssize_t n;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if (st.st_mode & (S_IRWXG | S_IRWXO))
		r = -EPERM;
	else {
		do
			n = read(fd, buf, sizeof(buf));
		while (n < 0 && errno == EINTR);
		/* a short read of a small regular file is the whole file */
		if (n < 0)
			r = -errno;
		else if ((size_t)n == sizeof(buf))
			r = -EINVAL;
		else
			r = tk_crypto_key_parse(buf, (size_t)n, key);
	}
	sodium_memzero(buf, sizeof(buf));
	close(fd);
	return r;
}
