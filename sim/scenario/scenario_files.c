/*
 * scenario_files — the data files a scenario file names, for fingerprints of
 * a run's inputs (the shard digest, shard.h): the value of every "file" key
 * (load traces, Spot traces, capacity traces, the price table), of every
 * sweep or variant path ending in ".file", and the path inside every
 * "empirical(...)" distribution. Walking the parsed tree rather than the
 * loaded scenario finds them in variants and sweeps too, whichever model
 * reads them.
 */
#include "loader_get.h"
#include "scenario_loader.h"

#include "spotsim/util/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct file_list {
	const struct scenario *sc;
	char **files;
	size_t n, alloc;
};

static void add_file(struct file_list *l, const char *written, size_t len)
{
	while (len && isspace((unsigned char)*written)) {
		written++;
		len--;
	}
	while (len && isspace((unsigned char)written[len - 1]))
		len--;
	if (!len)
		return;
	char *as_written = xstrndup(written, len);
	char *path = scenario_resolve(l->sc, as_written);
	free(as_written);
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->files[i], path)) {
			free(path);
			return;
		}
	XALLOC_GROW(l->files, l->n + 1, l->alloc);
	l->files[l->n++] = path;
}

/* Every "empirical(PATH)" in the string `s`. */
static void add_empirical(struct file_list *l, const char *s)
{
	const char *p = s;
	while ((p = strstr(p, "empirical(")) != NULL) {
		p += strlen("empirical(");
		const char *end = strchr(p, ')');
		if (!end)
			return;
		add_file(l, p, (size_t)(end - p));
		p = end;
	}
}

static bool names_file(const char *key)
{
	size_t len = key ? strlen(key) : 0;
	return len >= 4 && !strcmp(key + len - 4, "file") && (len == 4 || key[len - 5] == '.');
}

static void walk(struct file_list *l, const cJSON *node, bool file_key)
{
	if (cJSON_IsString(node)) {
		if (file_key)
			add_file(l, node->valuestring, strlen(node->valuestring));
		else
			add_empirical(l, node->valuestring);
		return;
	}
	for (const cJSON *c = node->child; c; c = c->next) {
		bool is_file = cJSON_IsObject(node) ? names_file(c->string) : file_key;
		walk(l, c, is_file);
	}
}

void scenario_collect_files(const cJSON *root, const struct scenario *sc, char ***files, size_t *n)
{
	struct file_list l = {sc, NULL, 0, 0};
	walk(&l, root, false);
	*files = l.files;
	*n = l.n;
}
