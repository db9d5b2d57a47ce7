/*
 * fuzz — the work folder, the input files and the shared price table of the
 * harnesses (see fuzz.h).
 */
#include "fuzz.h"

#include "spotsim/engine/rng.h"
#include "spotsim/util/xalloc.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *work;	/* the private folder */
static char *scenarios; /* work/scenarios */
static FILE *sink;	/* /dev/null, for fuzz_drain */
static struct price_table prices;

/* Folders of the source tree linked into the work folder, as the test scenarios name them. */
static const char *const linked_dirs[][2] = {
    {"data", "data"}, {"tests/terraform", "terraform"}, {"tests/scaling", "scaling"}};

/* Removes the files (links) in `dir`, then `dir`. */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		unlink(path);
		free(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void remove_work(void)
{
	remove_dir(scenarios);
	remove_dir(work);
	if (sink)
		fclose(sink);
	pricing_release(&prices);
	free(work);
	free(scenarios);
}

/* Links `from` (relative to the source tree) as `to` (relative to the work folder). */
static void link_into_work(const char *from, const char *to)
{
	char real[PATH_MAX];
	if (!realpath(from, real))
		return;
	char *path = xasprintf("%s/%s", work, to);
	if (symlink(real, path) != 0) {
		fprintf(stderr, "fuzz: cannot link %s\n", path);
		exit(2);
	}
	free(path);
}

/* Links every file of `dir` into scenarios/, for scenarios that name "alarms.json". */
static void link_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *from = xasprintf("%s/%s", dir, e->d_name);
		char *to = xasprintf("scenarios/%s", e->d_name);
		link_into_work(from, to);
		free(from);
		free(to);
	}
	if (d)
		closedir(d);
}

/* Makes the work folder on first use. */
static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	if (work)
		return;
	if (stat("data/pricing.csv", &st) != 0) {
		fprintf(stderr, "fuzz: no data/pricing.csv here (run from the source tree)\n");
		exit(2);
	}
	work = xasprintf("%s/spotsim-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(work)) {
		fprintf(stderr, "fuzz: cannot make a folder %s\n", work);
		exit(2);
	}
	scenarios = xasprintf("%s/scenarios", work);
	if (mkdir(scenarios, 0700) != 0) {
		fprintf(stderr, "fuzz: cannot make %s\n", scenarios);
		exit(2);
	}
	for (size_t i = 0; i < sizeof(linked_dirs) / sizeof(linked_dirs[0]); i++)
		link_into_work(linked_dirs[i][0], linked_dirs[i][1]);
	link_files("tests/terraform");
	link_files("tests/scaling");
	sink = fopen("/dev/null", "w");
	rng_global_init();
	pricing_init(&prices);
	atexit(remove_work);
}

const char *fuzz_dir(void)
{
	setup();
	return scenarios;
}

char *fuzz_write(const uint8_t *data, size_t size, const char *name)
{
	char *path = xasprintf("%s/%s", fuzz_dir(), name);
	unlink(path); /* never write through a link into the source tree */
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		fprintf(stderr, "fuzz: cannot write %s\n", path);
		exit(2);
	}
	return path;
}

char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

const struct price_table *fuzz_prices(void)
{
	setup();
	if (!prices.nr) {
		struct diag d;
		diag_init(&d);
		if (pricing_load(&prices, "data/pricing.csv", &d) != 0) {
			diag_write(&d, stderr);
			exit(2);
		}
		diag_release(&d);
	}
	return &prices;
}

size_t fuzz_plan_size(const uint8_t *data, size_t size)
{
	cJSON *root = cJSON_ParseWithLength((const char *)data, size);
	const cJSON *variants = cJSON_GetObjectItemCaseSensitive(root, "variants");
	const cJSON *sweep = cJSON_GetObjectItemCaseSensitive(root, "sweep");
	size_t n = 1 + (cJSON_IsArray(variants) ? (size_t)cJSON_GetArraySize(variants) : 0);
	for (const cJSON *kv = cJSON_IsObject(sweep) ? sweep->child : NULL; kv; kv = kv->next) {
		if (cJSON_IsArray(kv) && cJSON_GetArraySize(kv) > 0)
			n *= (size_t)cJSON_GetArraySize(kv);
		if (n > FUZZ_MAX_CONFIGS) {
			n = FUZZ_MAX_CONFIGS + 1;
			break;
		}
	}
	cJSON_Delete(root);
	return n > FUZZ_MAX_CONFIGS ? FUZZ_MAX_CONFIGS + 1 : n;
}

void fuzz_drain(struct diag *d)
{
	setup();
	diag_write(d, sink);
	diag_release(d);
}
