/*
 * Limits on input files: every reader of a user's file refuses a FIFO,
 * a device or a folder before reading a byte (a FIFO without a writer must
 * not hang), and a file above its size limit, naming the limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "spotsim/model/pricing.h"
#include "spotsim/scenario/scenario.h"
#include "spotsim/util/csvio.h"
#include "spotsim/util/error.h"
#include "spotsim/util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool has_message(const struct diag *d, const char *want)
{
	for (size_t i = 0; i < d->nr; i++) {
		char *line = diag_line(d, i);
		bool found = strstr(line, want) != NULL;
		free(line);
		if (found)
			return true;
	}
	return false;
}

static int no_row(const char *const *f, size_t n, size_t record, void *data)
{
	(void)f, (void)n, (void)record, (void)data;
	return 0;
}

static void test_fifo_refused_at_once(void **state)
{
	(void)state;
	char dir[64];
	struct scenario sc;
	struct price_table t;
	struct diag d;
	diag_init(&d);
	assert_true(testutil_make_dir(dir, sizeof(dir), "input-limits"));
	char *fifo = testutil_path_in(dir, "fifo.json");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(scenario_load(&sc, fifo, &d), SPOTSIM_EIO);
	assert_true(has_message(&d, "fifo.json: is a FIFO, device or socket, not a regular file "
				    "(accepted: a regular file of at most 64 MiB)"));
	scenario_release(&sc);
	pricing_init(&t);
	assert_int_equal(pricing_load(&t, fifo, &d), SPOTSIM_EIO);
	pricing_release(&t);
	assert_int_equal(csvio_read_capped(fifo, 10, no_row, NULL, &d), SPOTSIM_EIO);
	assert_int_equal(d.errors, 3);
	free(fifo);
	testutil_remove_tree(dir);
	diag_release(&d);
}

static void test_devices_and_folders(void **state)
{
	(void)state;
	struct diag d;
	char *buf;
	size_t len;
	diag_init(&d);
	assert_int_equal(fileio_read_input("/dev/zero", FILEIO_INPUT_MAX, &buf, &len, &d),
			 SPOTSIM_EIO);
	assert_null(buf);
	assert_int_equal(csvio_read("/dev/zero", no_row, NULL, &d), SPOTSIM_EIO);
	assert_int_equal(csvio_read("/", no_row, NULL, &d), SPOTSIM_EIO);
	assert_true(
	    has_message(&d, "/: is a folder (accepted: a regular file of at most 4096 MiB)"));
	diag_release(&d);
}

static void test_size_limit_named(void **state)
{
	(void)state;
	char *path = testutil_write_temp("a,b\n1,2\n3,4\n", ".csv");
	struct diag d;
	diag_init(&d);
	assert_int_equal(csvio_read_capped(path, 5, no_row, NULL, &d), SPOTSIM_EIO);
	assert_true(has_message(&d, "is larger than the limit of 5 bytes (accepted: a regular file "
				    "of at most 5 bytes)"));
	assert_int_equal(csvio_read_capped(path, 1 << 20, no_row, NULL, &d), 0);
	assert_int_equal(d.errors, 1);
	unlink(path);
	free(path);
	diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fifo_refused_at_once),
	    cmocka_unit_test(test_devices_and_folders),
	    cmocka_unit_test(test_size_limit_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
