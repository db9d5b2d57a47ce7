/*
 * test_strbuf — what strbuf_add_printable lets through to a terminal: UTF-8
 * text as it is, control bytes, DEL and malformed UTF-8 as \xHH.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spotsim/util/strbuf.h"

#include <string.h>

static void expect_printable(const char *in, const char *out)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_add_printable(&sb, in);
	assert_string_equal(sb.buf, out);
	assert_true(strbuf_is_printable(in) == (strcmp(in, out) == 0));
	strbuf_release(&sb);
}

static void test_text_as_it_is(void **state)
{
	(void)state;
	expect_printable("web-diurnal", "web-diurnal");
	expect_printable("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80",
			 "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80");
	expect_printable("", "");
}

static void test_control_bytes_escaped(void **state)
{
	(void)state;
	expect_printable("v\x1b[2J", "v\\x1B[2J");
	expect_printable("a\tb\nc\x7f", "a\\x09b\\x0Ac\\x7F");
}

static void test_malformed_utf8_escaped(void **state)
{
	(void)state;
	expect_printable("\xff\xfe", "\\xFF\\xFE");
	expect_printable("\xc3", "\\xC3");			      /* cut short */
	expect_printable("\xc0\xaf", "\\xC0\\xAF");		      /* overlong */
	expect_printable("\xed\xa0\x80", "\\xED\\xA0\\x80");	      /* a surrogate */
	expect_printable("\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80"); /* beyond U+10FFFF */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_as_it_is),
	    cmocka_unit_test(test_control_bytes_escaped),
	    cmocka_unit_test(test_malformed_utf8_escaped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
