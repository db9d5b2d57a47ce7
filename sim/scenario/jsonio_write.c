/*
 * jsonio_write — a cJSON tree as JSON text laid out like a hand-written
 * scenario file (see jsonio.h). A container is first written on one line;
 * when that line would pass WIDTH columns it is written again, one item per
 * line. Only the writer's own rules decide the layout, so the bytes depend on
 * the tree alone.
 */
#include "jsonio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define WIDTH 100

static void write_node(struct strbuf *out, const cJSON *node, size_t indent, bool flat);

static void write_string(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, (char)*p);
		} else if (*p == '\n') {
			strbuf_adds(out, "\\n");
		} else if (*p == '\t') {
			strbuf_adds(out, "\\t");
		} else if (*p < 0x20) {
			strbuf_addf(out, "\\u%04x", *p);
		} else {
			strbuf_addch(out, (char)*p);
		}
	}
	strbuf_addch(out, '"');
}

static void write_number(struct strbuf *out, double v)
{
	char buf[40];
	if (!isfinite(v)) {
		strbuf_adds(out, "null"); /* JSON has no infinity */
		return;
	}
	if (v == floor(v) && fabs(v) < 9007199254740992.0) {
		strbuf_addf(out, "%.0f", v);
		return;
	}
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, sizeof(buf), "%.*g", digits, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	strbuf_adds(out, buf);
}

static void write_items(struct strbuf *out, const cJSON *node, size_t indent, bool flat)
{
	bool object = cJSON_IsObject(node);
	for (const cJSON *c = node->child; c; c = c->next) {
		if (!flat)
			strbuf_addf(out, "\n%*s", (int)(indent + 2), "");
		if (object) {
			write_string(out, c->string ? c->string : "");
			strbuf_adds(out, ": ");
		}
		write_node(out, c, indent + 2, flat);
		if (c->next)
			strbuf_adds(out, flat ? ", " : ",");
	}
	if (!flat && node->child)
		strbuf_addf(out, "\n%*s", (int)indent, "");
}

/* Columns from the start of the last line of `out` to its end. */
static size_t column(const struct strbuf *out)
{
	size_t i = out->len;
	while (i > 0 && out->buf[i - 1] != '\n')
		i--;
	return out->len - i;
}

static void write_container(struct strbuf *out, const cJSON *node, size_t indent, bool flat)
{
	char open = cJSON_IsObject(node) ? '{' : '[', close = open == '{' ? '}' : ']';
	size_t start = out->len;
	strbuf_addch(out, open);
	write_items(out, node, indent, true);
	strbuf_addch(out, close);
	/* the root is always laid out, so a file never starts as one long line */
	if (flat || (column(out) <= WIDTH && indent > 0))
		return;
	out->len = start;
	out->buf[start] = '\0';
	strbuf_addch(out, open);
	write_items(out, node, indent, false);
	strbuf_addch(out, close);
}

static void write_node(struct strbuf *out, const cJSON *node, size_t indent, bool flat)
{
	if (cJSON_IsObject(node) || cJSON_IsArray(node))
		write_container(out, node, indent, flat);
	else if (cJSON_IsString(node))
		write_string(out, node->valuestring);
	else if (cJSON_IsNumber(node))
		write_number(out, node->valuedouble);
	else if (cJSON_IsBool(node))
		strbuf_adds(out, cJSON_IsTrue(node) ? "true" : "false");
	else
		strbuf_adds(out, "null");
}

void jsonio_write(struct strbuf *out, const cJSON *node)
{
	write_node(out, node, 0, false);
}
