/*
 * Replays, through the fuzz harnesses themselves (fuzz/, built here without
 * libFuzzer), every input a fuzzer once failed on (tests/fuzz-regressions/
 * TARGET/) and the hand-made seeds (fuzz/corpus/TARGET/). A harness that
 * crashes, trips a sanitizer (`make asan`), leaks or finds a broken promise
 * aborts this test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#define FUZZ_NO_ENTRY
#include "../fuzz/fuzz.c"
#include "../fuzz/fuzz_policy.c"
#include "../fuzz/fuzz_pricing.c"
#include "../fuzz/fuzz_rate_trace.c"
#include "../fuzz/fuzz_run.c"
#include "../fuzz/fuzz_scenario.c"
#include "../fuzz/fuzz_spot_trace.c"
#include "../fuzz/fuzz_strings.c"
#include "../fuzz/fuzz_terraform.c"

#include "spotsim/util/fileio.h"

struct target {
	const char *name;
	int (*one)(const uint8_t *data, size_t size);
};

/* Feeds every file of `dir` (when it exists) to the harness; returns how many. */
static int replay_dir(const struct target *t, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *path = testutil_path_in(dir, e->d_name), *text;
		size_t len;
		assert_int_equal(fileio_read(path, &text, &len), 0);
		assert_int_equal(t->one((const uint8_t *)text, len), 0);
		free(text);
		free(path);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void test_replay(void **state)
{
	const struct target *t = *state;
	char *found = xasprintf("tests/fuzz-regressions/%s", t->name);
	char *seeds = xasprintf("fuzz/corpus/%s", t->name);
	int n = replay_dir(t, found) + replay_dir(t, seeds);
	print_message("%s: %d inputs replayed\n", t->name, n);
	free(found);
	free(seeds);
}

#define TARGET(t) static const struct target target_##t = {#t, fuzz_##t}
TARGET(scenario);
TARGET(run);
TARGET(spot_trace);
TARGET(rate_trace);
TARGET(pricing);
TARGET(policy);
TARGET(strings);
TARGET(terraform);

/* One test per harness, named after it. */
#define REPLAY(t)                                                                                  \
	{                                                                                          \
		"replay_" #t, test_replay, NULL, NULL, (void *)&target_##t                         \
	}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    REPLAY(scenario), REPLAY(run),    REPLAY(spot_trace), REPLAY(rate_trace),
	    REPLAY(pricing),  REPLAY(policy), REPLAY(strings),	  REPLAY(terraform),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
