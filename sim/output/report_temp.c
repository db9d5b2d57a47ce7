/*
 * report_temp — the temporaries a report writes into, and the table of
 * their paths that a signal handler may walk (see report.h, "Atomicity" and
 * "Signals").
 *
 * Representation: a static table of REPORT_MAX_TEMPS fixed-size paths, each
 * with an in-use flag; an out_file holds the index (slot) of its path.
 * Invariant: a slot is marked in use only after its path is fully written,
 * and marked free before the path is reused, so a signal handler walking
 * the table (report_remove_temps) never sees a half-written path; that
 * walk calls nothing but unlink(2), so it is async-signal-safe.
 */
#include "report_internal.h"

#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The files of a run, in the order the report opens and commits them. */
const char *const report_file_names[FILE_COUNT] = {
    "timeseries.csv", "events.csv", "replications.csv", "summary.csv", "comparison.csv"};

/* Paths of open temporaries; read by report_remove_temps from signal handlers. */
static char temp_paths[REPORT_MAX_TEMPS][REPORT_PATH_MAX];
static volatile sig_atomic_t temp_used[REPORT_MAX_TEMPS];

static int temp_claim(const char *path)
{
	for (int i = 0; i < REPORT_MAX_TEMPS; i++) {
		if (temp_used[i])
			continue;
		memcpy(temp_paths[i], path, strlen(path) + 1);
		temp_used[i] = 1;
		return i;
	}
	return -1;
}

void report_remove_temps(void)
{
	for (int i = 0; i < REPORT_MAX_TEMPS; i++)
		if (temp_used[i])
			unlink(temp_paths[i]);
}

/* mkdir -p: creates `dir` and its missing parents; returns 0 or an errno. */
int report_make_folder(const char *dir)
{
	char *p = xstrdup(dir);
	int err = 0;
	struct stat st;

	for (char *s = p + 1; !err && *s; s++) {
		if (*s != '/' || s[-1] == '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) && errno != EEXIST)
			err = errno;
		*s = '/';
	}
	if (!err && mkdir(p, 0777) && errno != EEXIST)
		err = errno;
	if (!err && stat(p, &st))
		err = errno;
	else if (!err && !S_ISDIR(st.st_mode))
		err = ENOTDIR;
	free(p);
	return err;
}

/*
 * Opens the temporary for file `name` in `dir`; returns 0, an errno, or -1
 * when the table of temporaries is full. The slot is claimed first so that a
 * signal arriving while the file is created still finds it.
 */
int out_file_open(struct out_file *of, const char *dir, const char *name)
{
	char tmp[REPORT_PATH_MAX];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	of->slot = temp_claim(tmp);
	if (of->slot < 0)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST && !unlink(tmp)) /* left by a killed run with our pid */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return errno;
	of->f = fdopen(fd, "w");
	if (!of->f) {
		int err = errno;
		close(fd);
		return err;
	}
	return 0;
}

void out_file_close(struct out_file *of, bool remove)
{
	if (of->f)
		fclose(of->f);
	of->f = NULL;
	if (of->slot >= 0) {
		if (remove)
			unlink(temp_paths[of->slot]);
		temp_used[of->slot] = 0;
	}
	of->slot = -1;
}

/* Flushes, syncs and closes the temporary; returns 0 or an errno. */
int out_file_finish(struct out_file *of)
{
	int err = 0;

	if (fflush(of->f) || ferror(of->f))
		err = errno ? errno : EIO;
	else if (fsync(fileno(of->f)) && errno != EINVAL && errno != EROFS)
		err = errno;
	if (fclose(of->f) && !err)
		err = errno ? errno : EIO;
	of->f = NULL;
	return err;
}

int out_file_rename(struct out_file *of)
{
	if (rename(temp_paths[of->slot], of->final))
		return errno;
	temp_used[of->slot] = 0;
	of->slot = -1;
	return 0;
}
