/*
 * bench_plots — what drawing the figures adds to a run: the CPU time of
 * `spotsim run scenarios/example.json` (30 replications of 3 variants x 4
 * sweep points, a week each) with its figures and report.html, and with
 * --no-plots, and their ratio (target: at most 1.3).
 *
 * CPU time is that of spotsim and everything it waited for (its threads,
 * the gnuplot processes): getrusage(RUSAGE_CHILDREN) of this process
 * around each run. The median of ROUNDS runs of each, alternating. Run
 * from the repository's top folder (make bench does); spotsim is the one
 * beside this program's folder (build/spotsim). Without gnuplot on PATH it
 * says so and measures nothing.
 */
#include "benchutil.h"

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 5

static double children_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

/* CPU seconds of one `spotsim run`, or a negative value when it failed. */
static double run_once(const char *spotsim, const char *out, bool plots)
{
	char *const with[] = {(char *)"spotsim",
			      (char *)"run",
			      (char *)"scenarios/example.json",
			      (char *)"-o",
			      (char *)out,
			      (char *)"--quiet",
			      NULL};
	char *const without[] = {
	    (char *)"spotsim",	  (char *)"run", (char *)"scenarios/example.json",
	    (char *)"-o",	  (char *)out,	 (char *)"--quiet",
	    (char *)"--no-plots", NULL};
	double before = children_cpu();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execv(spotsim, plots ? with : without);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	return children_cpu() - before;
}

static bool on_path(const char *name)
{
	const char *path = getenv("PATH");
	char cand[PATH_MAX];

	while (path && *path) {
		size_t len = strcspn(path, ":");
		snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, path, name);
		if (access(cand, X_OK) == 0)
			return true;
		path += len + (path[len] == ':');
	}
	return false;
}

/* Removes `path` and, for a folder (not followed when a link), what it holds. */
static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && (d = opendir(path))) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				char sub[PATH_MAX];
				snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
				remove_tree(sub);
			}
		closedir(d);
	}
	remove(path);
}

int main(void)
{
	char exe[PATH_MAX], spotsim[PATH_MAX + 16], dir[] = "/tmp/spotsim-bench-plots.XXXXXX";
	char out[sizeof(dir) + 8];
	double with[ROUNDS], without[ROUNDS];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0 || !(exe[n] = '\0', slash = strrchr(exe, '/')))
		return 1;
	*slash = '\0';
	snprintf(spotsim, sizeof(spotsim), "%s/../spotsim", exe);
	if (!on_path("gnuplot")) {
		printf("bench_plots: skipped, gnuplot is not installed\n");
		return 0;
	}
	if (!mkdtemp(dir))
		return 1;
	snprintf(out, sizeof(out), "%s/out", dir);
	for (int i = 0; i < ROUNDS; i++) {
		without[i] = run_once(spotsim, out, false);
		with[i] = run_once(spotsim, out, true);
		if (with[i] < 0 || without[i] < 0) {
			fprintf(stderr, "bench_plots: %s run scenarios/example.json failed\n",
				spotsim);
			remove_tree(dir);
			return 1;
		}
	}
	remove_tree(dir);
	double w = bench_median(with, ROUNDS), wo = bench_median(without, ROUNDS);
	printf("plots: spotsim run scenarios/example.json %.2f s CPU with figures and report.html, "
	       "%.2f s with --no-plots: %.2f x (target <= 1.3; median of %d, spotsim and "
	       "gnuplot)\n",
	       w, wo, w / wo, ROUNDS);
	return 0;
}
