/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats --watch writes its JSON Lines itself; the text must be what jansson
 * makes of the same sample built from tk_json_stats, byte for byte, across
 * devices that come and go, counters that reset, odd names and odd rates.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "suites.h"

static bool want(const void *arg, const struct tk_link *l)
{
	(void)arg;
	return l->is_tun || !strcmp(l->ifname, "lo");
}

static uint64_t rnd64(void)
{
	uint64_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 16 | (uint64_t)(rand() & 0xffff);
	switch (rand() % 4) {
	case 0: return 0;
	case 1: return v % 1000;
	case 2: return v >> (rand() % 64);
	default: return v;
	}
}

static void mklink(struct tk_link *l, int ifindex, const char *name, int type)
{
	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	snprintf(l->ifname, sizeof(l->ifname), "%s", name);
	if (type) {
		l->is_tun = true;
		l->tun.type = type;
		snprintf(l->kind, sizeof(l->kind), "tun");
	} else {
		l->arptype = 772; /* ARPHRD_LOOPBACK */
	}
	l->has_stats = true;
	for (int i = 0; i < 24; i++)
		l->stats[i] = rnd64();
}

/* What the jansson path printed for this sample. */
static char *reference(const struct tk_watch *w, const struct tk_snap *s,
		       const struct tk_snap *prev, bool details)
{
	json_t *links = json_array(), *doc;
	char *t, *line;

	for (size_t i = 0; i < s->nlinks; i++) {
		const struct tk_link *l = &s->links[i];
		const struct tk_link *p = prev ? tk_snap_by_index(prev, l->ifindex) : NULL;

		if (want(NULL, l))
			json_array_append_new(links, tk_json_stats(l, details, p ? p->stats : NULL,
								   w->dt));
	}
	doc = json_pack("{s:f,s:o,s:o}", "time", w->t, "interval",
			w->dt > 0 ? json_real(round(w->dt * 1e6) / 1e6) : json_null(), "links",
			links);
	t = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(16));
	json_decref(doc);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_ge(asprintf(&line, "%s\n", t), 0);
	free(t);
	return line;
}

static char *print(struct tk_watch *w, bool details)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(tk_watch_print(f, w, details), 0);
	fclose(f);
	return buf;
}

static void check(struct tk_watch *w, const struct tk_snap *s, const struct tk_snap *prev)
{
	static const double dts[] = { 1, 0.2, 0.05, 1e-6, 3.3333333, 86400, 1e-9, 0.1 + 0.2 };

	for (size_t k = 0; k < sizeof(dts) / sizeof(dts[0]); k++) {
		for (int details = 0; details < 2; details++) {
			char *want_s, *got;

			if (prev)
				w->dt = dts[k];
			want_s = reference(w, s, prev, details);
			got = print(w, details);
			ck_assert_str_eq(got, want_s);
			free(want_s);
			free(got);
		}
		if (!prev)
			break;
	}
}

START_TEST(lines_as_jansson)
{
	static const char *const names[] = { "tap0", "tun\"q", "b\\s", "t\xc3\xa4p", "bad\xff",
					     "tap%d", "x", "tap-long-name12" };
	struct tk_ctx ctx = { .prog = "t", .out = stdout, .quiet = true };
	struct tk_link a[12], b[12];
	struct tk_snap s1 = { .links = a }, s2 = { .links = b };
	struct tk_watch w;

	srand(7);
	tk_watch_init(&w, want, NULL);
	for (int round = 0; round < 50; round++) {
		/* s1: lo, some tun/tap, a non-tun (not watched) */
		s1.nlinks = 0;
		mklink(&a[s1.nlinks++], 1, "lo", 0);
		for (int i = 0; i < 8; i++)
			mklink(&a[s1.nlinks++], 10 + i, names[i], 1 + i % 2);
		mklink(&a[s1.nlinks], 30, "eth0", 0);
		a[s1.nlinks++].arptype = 1;
		ck_assert_int_eq(tk_watch_load(&ctx, &w, &s1), 0);
		if (round == 0)
			check(&w, &s1, NULL); /* the first sample: no rates */
		/* s2: one gone, one new, counters grown or reset */
		s2.nlinks = 0;
		for (size_t i = 0; i < s1.nlinks; i++) {
			if (a[i].ifindex == 12)
				continue;
			b[s2.nlinks] = a[i];
			for (int j = 0; j < 24; j++)
				if (rand() % 8)
					b[s2.nlinks].stats[j] += rnd64() % 1000000007;
				else
					b[s2.nlinks].stats[j] = rnd64();
			s2.nlinks++;
		}
		mklink(&b[s2.nlinks++], 40, "tapnew", 2);
		ck_assert_int_eq(tk_watch_load(&ctx, &w, &s2), 0);
		check(&w, &s2, &s1);
	}
	tk_watch_free(&w);
}
END_TEST

/* Rates are k / 1000: printed from k's digits where %.16g agrees, else by
 * snprintf (0.07 is 0.07000000000000001); every k up to 30,000 and a sweep
 * to 2^53. */
START_TEST(rates_as_jansson)
{
	struct tk_ctx ctx = { .prog = "t", .out = stdout, .quiet = true };
	struct tk_link l[2];
	struct tk_snap s = { .links = l, .nlinks = 1 }, p = { .links = l + 1, .nlinks = 1 };
	struct tk_watch w;
	uint64_t k = 0;

	mklink(&l[0], 5, "tap0", 2);
	memset(l[0].stats, 0, sizeof(l[0].stats));
	l[1] = l[0];
	tk_watch_init(&w, want, NULL);
	ck_assert_int_eq(tk_watch_load(&ctx, &w, &s), 0);
	ck_assert_int_eq(tk_watch_load(&ctx, &w, &s), 0);
	for (int i = 0; k < (1ULL << 53); i++) {
		char *want_s, *got;

		k = i <= 30000 ? (uint64_t)i : k + k / 7 + (uint64_t)(rand() % 1000);
		/* rx: k packets, k bytes (8k bits) over 1,000 s */
		l[0].stats[0] = l[0].stats[2] = w.dev[0].cur[0] = w.dev[0].cur[2] = k;
		l[0].stats[1] = l[0].stats[3] = w.dev[0].cur[1] = w.dev[0].cur[3] = k * 3;
		w.dt = 1000;
		want_s = reference(&w, &s, &p, false);
		got = print(&w, false);
		ck_assert_str_eq(got, want_s);
		free(want_s);
		free(got);
	}
	tk_watch_free(&w);
}
END_TEST

Suite *suite_stats(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("watch");

	tcase_add_test(tc, lines_as_jansson);
	tcase_add_test(tc, rates_as_jansson);
	/* 30,000 rates against jansson: seconds under ASan on a busy machine, past Check's 4 */
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
