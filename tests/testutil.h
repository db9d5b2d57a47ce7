#ifndef SPOTSIM_TESTUTIL_H
#define SPOTSIM_TESTUTIL_H
/*
 * testutil — temporary files and folders for the cmocka tests, header only.
 * Include it after <cmocka.h>: a helper that cannot do its job fails the
 * running test. Every returned path is owned by the caller (free()).
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spotsim/util/xalloc.h"

/* Writes `text` to a new file /tmp/spotsim-test-XXXXXX<suffix>. */
static inline char *testutil_write_temp(const char *text, const char *suffix)
{
	char *path = xasprintf("/tmp/spotsim-test-XXXXXX%s", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	assert_true(fd >= 0);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Makes a new folder /tmp/spotsim-test-NAME.XXXXXX into buf (at least 64 bytes). */
static inline bool testutil_make_dir(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "/tmp/spotsim-test-%s.XXXXXX", name);
	return mkdtemp(buf) != NULL;
}

/* Removes `path` and, for a folder, everything below it; 0 or -1. */
static inline int testutil_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		DIR *dir = opendir(path);
		struct dirent *e;
		while (dir && (e = readdir(dir))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *child = xasprintf("%s/%s", path, e->d_name);
			testutil_remove_tree(child);
			free(child);
		}
		if (dir)
			closedir(dir);
	}
	return remove(path);
}

/* "DIR/NAME". */
static inline char *testutil_path_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static inline bool testutil_exists(const char *dir, const char *name)
{
	char *p = testutil_path_in(dir, name);
	bool yes = access(p, F_OK) == 0;
	free(p);
	return yes;
}

#endif
