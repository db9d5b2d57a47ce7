/*
 * Tests for sha256 and fileio: the FIPS 180-4 test vectors, digests fed in
 * pieces of every size, the padding boundaries (55, 56 and 64 bytes), and
 * files written atomically and read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "spotsim/util/fileio.h"
#include "spotsim/util/sha256.h"

#include <errno.h>
#include <string.h>

static void hex_of(const void *data, size_t len, char hex[SHA256_HEX_SIZE])
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, data, len);
	sha256_hex(&h, hex);
}

static void test_fips_vectors(void **state)
{
	(void)state;
	char hex[SHA256_HEX_SIZE];
	hex_of("abc", 3, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hex_of("", 0, hex);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	hex_of(two, strlen(two), hex);
	assert_string_equal(hex,
			    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a(void **state)
{
	(void)state;
	struct sha256 h;
	char block[1000], hex[SHA256_HEX_SIZE];
	memset(block, 'a', sizeof(block));
	sha256_init(&h);
	for (int i = 0; i < 1000; i++)
		sha256_update(&h, block, sizeof(block));
	sha256_hex(&h, hex);
	assert_string_equal(hex,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* The same bytes give the same digest however they are split. */
static void test_pieces(void **state)
{
	(void)state;
	unsigned char data[200];
	char whole[SHA256_HEX_SIZE], parts[SHA256_HEX_SIZE];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 3);
	for (size_t len = 0; len <= sizeof(data); len++) {
		hex_of(data, len, whole);
		for (size_t step = 1; step <= 65; step += 16) {
			struct sha256 h;
			sha256_init(&h);
			for (size_t at = 0; at < len; at += step)
				sha256_update(&h, data + at, len - at < step ? len - at : step);
			sha256_hex(&h, parts);
			assert_string_equal(whole, parts);
		}
	}
	/* padding boundaries: different lengths, different digests */
	char a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE];
	hex_of(data, 55, a);
	hex_of(data, 56, b);
	assert_string_not_equal(a, b);
	hex_of(data, 64, b);
	assert_string_not_equal(a, b);
}

static void test_atomic_file(void **state)
{
	(void)state;
	char dir[64];
	assert_true(testutil_make_dir(dir, sizeof(dir), "fileio"));
	char *path = testutil_path_in(dir, "x.csv");
	struct fileio_atomic a;
	assert_int_equal(fileio_atomic_open(&a, path), 0);
	fputs("a,b\n1,2\n", a.f);
	assert_int_equal(fileio_atomic_close(&a), 0);
	assert_false(testutil_exists(dir, "x.csv")); /* not before the rename */
	assert_int_equal(fileio_atomic_rename(&a), 0);
	fileio_atomic_release(&a);
	char *text;
	size_t len;
	assert_int_equal(fileio_read(path, &text, &len), 0);
	assert_string_equal(text, "a,b\n1,2\n");
	assert_int_equal(len, 8);
	free(text);

	/* a released temporary leaves nothing behind */
	char *other = testutil_path_in(dir, "y.csv");
	assert_int_equal(fileio_atomic_open(&a, other), 0);
	fputs("half", a.f);
	fileio_atomic_release(&a);
	assert_false(testutil_exists(dir, "y.csv"));

	/* copy, and the errors of a missing file and of a folder */
	assert_int_equal(fileio_copy(path, other), 0);
	assert_int_equal(fileio_read(other, &text, &len), 0);
	assert_string_equal(text, "a,b\n1,2\n");
	free(text);
	char *missing = testutil_path_in(dir, "none");
	assert_int_equal(fileio_read(missing, &text, &len), ENOENT);
	assert_null(text);
	assert_int_equal(fileio_read(dir, &text, &len), EISDIR);
	assert_int_equal(fileio_copy(missing, other), ENOENT);
	assert_true(fileio_is_dir(dir));
	assert_false(fileio_is_dir(path));
	free(missing);
	free(other);
	free(path);
	testutil_remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fips_vectors),
	    cmocka_unit_test(test_million_a),
	    cmocka_unit_test(test_pieces),
	    cmocka_unit_test(test_atomic_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
