/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the direction check capture.c puts in front of the BPF
 * filter: the instructions, and what they return for each packet type,
 * run by a small interpreter of the classic BPF they use (the kernel's
 * ancillary load of skb->pkt_type included).
 */
#include <check.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "suites.h"

/* Runs f on a packet of type pkttype whose every byte is 0; only what the
 * prefix and a "ret" need: ld abs (ancillary pkttype), ld imm, jeq k, ret. */
static uint32_t run(const struct sock_filter *f, unsigned n, unsigned pkttype)
{
	uint32_t a = 0xdeadbeef; /* the prefix must clear A for the program */

	for (unsigned pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			ck_assert_uint_eq(i->k, (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE));
			a = pkttype;
			break;
		case BPF_LD | BPF_IMM:
			a = i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		case BPF_RET | BPF_A:
			return a;
		default:
			ck_abort_msg("instruction 0x%x not interpreted", i->code);
		}
	}
	ck_abort_msg("ran off the end");
	return 0;
}

START_TEST(direction_prefix)
{
	/* "return A": what the program sees in A tells that the prefix cleared it */
	const struct sock_filter ret_a[] = { BPF_STMT(BPF_RET | BPF_A, 0) };
	const struct sock_filter snap[] = { BPF_STMT(BPF_RET | BPF_K, 96) };
	const unsigned types[] = { PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST,
				   PACKET_OTHERHOST, PACKET_OUTGOING };
	unsigned n;
	struct sock_filter *f;

	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		bool out = types[t] == PACKET_OUTGOING;

		f = tk_cap_filter_dir(snap, 1, TK_CAP_ALL, &n);
		ck_assert_uint_eq(n, 1);
		ck_assert_uint_eq(run(f, n, types[t]), 96);
		free(f);
		f = tk_cap_filter_dir(snap, 1, TK_CAP_IN, &n);
		ck_assert_uint_eq(run(f, n, types[t]), out ? 0 : 96);
		free(f);
		f = tk_cap_filter_dir(snap, 1, TK_CAP_OUT, &n);
		ck_assert_uint_eq(run(f, n, types[t]), out ? 96 : 0);
		free(f);
		f = tk_cap_filter_dir(ret_a, 1, out ? TK_CAP_OUT : TK_CAP_IN, &n);
		ck_assert_uint_eq(run(f, n, types[t]), 0);
		free(f);
	}
}
END_TEST

/* A real filter from libpcap follows the prefix unchanged: its jumps are
 * relative, so they still land where they did. */
START_TEST(program_kept)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 262144);
	struct bpf_program prog;
	struct sock_filter *f;
	unsigned n;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pcap_compile(p, &prog, "udp port 53 or icmp", 1, PCAP_NETMASK_UNKNOWN), 0);
	for (int dir = TK_CAP_ALL; dir <= TK_CAP_OUT; dir++) {
		unsigned pre = dir == TK_CAP_ALL ? 0 : 4;

		f = tk_cap_filter_dir((const struct sock_filter *)prog.bf_insns, prog.bf_len,
				      (enum tk_cap_dir)dir, &n);
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(n, prog.bf_len + pre);
		ck_assert_int_eq(memcmp(f + pre, prog.bf_insns, prog.bf_len * sizeof(*f)), 0);
		free(f);
	}
	pcap_freecode(&prog);
	pcap_close(p);
}
END_TEST

Suite *suite_capture(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("filter");

	tcase_add_test(tc, direction_prefix);
	tcase_add_test(tc, program_kept);
	suite_add_tcase(s, tc);
	return s;
}
