/*
 * gnuplot — the figures' driver (see gnuplot.h): parameters and data files
 * for the templates, finding gnuplot and the templates, the private
 * temporary folder, and running gnuplot with its images renamed into place.
 */
#include "gnuplot.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SPOTSIM_DATADIR
#define SPOTSIM_DATADIR "/usr/local/share/spotsim"
#endif

/* ---- parameters and data files for the templates ---- */

void gnuplot_str(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_addf(sb, "%s='", key);
	for (const char *p = value; *p; p++) {
		if (*p == '\'')
			strbuf_addch(sb, '\'');
		strbuf_addch(sb, *p == '\n' || *p == '\r' ? ' ' : *p);
	}
	strbuf_adds(sb, "'; ");
}

void gnuplot_num(struct strbuf *sb, const char *key, double value)
{
	strbuf_addf(sb, "%s=%.17g; ", key, value);
}

void gnuplot_tsv_field(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/*
 * AXISlo and AXIShi when the values barely differ (availability 0.99990079
 * against 0.99990080), since gnuplot's own widening of an empty range is a
 * percent of the value, which hides the value's digits; AXISfmt has the
 * decimals that tell apart ticks a tenth of the range apart.
 */
void gnuplot_axis(struct strbuf *sb, char axis, double lo, double hi)
{
	double scale = fmax(fabs(lo), fabs(hi)), span = hi - lo;
	char name[8];

	if (!isfinite(lo) || !isfinite(hi))
		return;
	if (span < 1e-6 * scale) {
		double pad = scale > 0 ? 1e-4 * scale : 1;
		lo -= pad;
		hi += pad;
		span = hi - lo;
		snprintf(name, sizeof(name), "%clo", axis);
		gnuplot_num(sb, name, lo);
		snprintf(name, sizeof(name), "%chi", axis);
		gnuplot_num(sb, name, hi);
	}
	int decimals = span > 0 ? -(int)floor(log10(span / 10)) : 6;
	decimals = decimals < 0 ? 0 : decimals > 12 ? 12 : decimals;
	snprintf(name, sizeof(name), "%cfmt", axis);
	strbuf_addf(sb, "%s='%%.%df'; ", name, decimals);
}

/* ---- finding gnuplot and the templates ---- */

char *gnuplot_find(void)
{
	const char *path = getenv("PATH");
	struct stat st;

	while (path && *path) {
		size_t len = strcspn(path, ":");
		char *cand = len ? xasprintf("%.*s/gnuplot", (int)len, path) : xstrdup("gnuplot");
		if (access(cand, X_OK) == 0 && stat(cand, &st) == 0 && S_ISREG(st.st_mode))
			return cand;
		free(cand);
		path += len + (path[len] == ':');
	}
	return NULL;
}

static bool has_templates(const char *dir)
{
	char *probe = xasprintf("%s/common.gp", dir);
	bool ok = access(probe, R_OK) == 0;
	free(probe);
	return ok;
}

/* The templates' folder beside the executable (build/, build/tests/, installed bin/). */
static char *templates_near_exe(void)
{
	static const char *const ups[] = {"/../plots", "/../../plots", "/../../../plots",
					  "/../share/spotsim/plots"};
	char exe[PATH_MAX], resolved[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return NULL;
	*slash = '\0';
	for (size_t i = 0; i < sizeof(ups) / sizeof(ups[0]); i++) {
		char *cand = xasprintf("%s%s", exe, ups[i]);
		bool found = realpath(cand, resolved) && has_templates(resolved);
		free(cand);
		if (found)
			return xstrdup(resolved);
	}
	return NULL;
}

char *gnuplot_find_templates(void)
{
	const char *env = getenv("SPOTSIM_PLOTS");
	char *near;

	if (env && *env)
		return has_templates(env) ? xstrdup(env) : NULL;
	if ((near = templates_near_exe()))
		return near;
	if (has_templates("plots"))
		return xstrdup("plots");
	if (has_templates(SPOTSIM_DATADIR "/plots"))
		return xstrdup(SPOTSIM_DATADIR "/plots");
	return NULL;
}

/* ---- the private temporary folder ---- */

int gnuplot_make_tmp(struct gnuplot *g, struct diag *d)
{
	const char *base = getenv("TMPDIR");
	char *t = xasprintf("%s/spotsim-plot.XXXXXX", base && *base ? base : "/tmp");

	if (!mkdtemp(t)) {
		diag_error(d, t, NULL, "cannot create a temporary folder: %s",
			   diag_strerror(errno));
		free(t);
		return SPOTSIM_EIO;
	}
	g->tmp = t;
	return 0;
}

char *gnuplot_tmp_path(const struct gnuplot *g, const char *name)
{
	return xasprintf("%s/%s", g->tmp, name);
}

/* Removes the private temporary folder and the files made in it (no subfolders). */
static void remove_tmp(const struct gnuplot *g)
{
	DIR *dp;
	struct dirent *e;

	if (!g->tmp)
		return;
	if ((dp = opendir(g->tmp))) {
		while ((e = readdir(dp)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				char *p = gnuplot_tmp_path(g, e->d_name);
				unlink(p);
				free(p);
			}
		closedir(dp);
	}
	rmdir(g->tmp);
}

void gnuplot_release(struct gnuplot *g)
{
	remove_tmp(g);
	free(g->tmp);
	free(g->tmpl_dir);
	free(g->exe);
	memset(g, 0, sizeof(*g));
}

/* ---- running gnuplot ---- */

/* The last non-empty line gnuplot wrote to `errfile`, for the message (owned). */
static char *last_error_line(const char *errfile)
{
	FILE *f = fopen(errfile, "r");
	char line[512], *last = xstrdup("no message");

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (*line) {
			free(last);
			last = xstrdup(line);
		}
	}
	if (f)
		fclose(f);
	return last;
}

/* Starts `gnuplot -e params template`, its output going to errfile; returns its pid or -1. */
static pid_t spawn_gnuplot(const char *gnuplot, const char *params, const char *tmpl,
			   const char *errfile)
{
	/* -d: no ~/.gnuplot or system init file, so every machine draws the same */
	char *const argv[] = {(char *)"gnuplot", (char *)"-d", (char *)"-e",
			      (char *)params,	 (char *)tmpl, NULL};
	pid_t pid = fork();

	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(127);
		execv(gnuplot, argv);
		_exit(127);
	}
	return pid;
}

/* gnuplot's exit status; 127 when it could not start, 128 when killed. */
static int wait_gnuplot(pid_t pid)
{
	int status;

	if (pid < 0)
		return 127;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* One figure being drawn: where and from what (all borrowed). */
struct draw {
	const struct gnuplot *g;
	const char *dir, *name, *tmpl, *params;
	struct diag *d;
};

/* One image being drawn: a figure in one format. */
struct job {
	char *final, *tmp, *errfile; /* owned */
	pid_t pid;
};

static void job_start(const struct draw *w, const char *ext, struct job *j)
{
	char *tmpl = xasprintf("%s/%s", w->g->tmpl_dir, w->tmpl);
	char *err = xasprintf("gnuplot.%s.err", ext);
	struct strbuf sb = STRBUF_INIT;

	j->final = xasprintf("%s/plots/%s.%s", w->dir, w->name, ext);
	j->tmp = xasprintf("%s/plots/.%s.%s.tmp.%ld", w->dir, w->name, ext, (long)getpid());
	j->errfile = gnuplot_tmp_path(w->g, err);
	gnuplot_str(&sb, "plotdir", w->g->tmpl_dir);
	gnuplot_str(&sb, "term", ext);
	gnuplot_str(&sb, "outfile", j->tmp);
	strbuf_adds(&sb, w->params);
	j->pid = spawn_gnuplot(w->g->exe, sb.buf, tmpl, j->errfile);
	strbuf_release(&sb);
	free(tmpl);
	free(err);
}

/* Waits for the job; renames its image into place when gnuplot succeeded. */
static bool job_finish(const struct draw *w, struct job *j)
{
	int status = wait_gnuplot(j->pid);
	struct stat st;
	bool ok = false;

	if (status != 0) {
		char *why = last_error_line(j->errfile);
		diag_error(w->d, j->final, NULL, "gnuplot failed (status %d): %s", status, why);
		free(why);
	} else if (stat(j->tmp, &st) != 0 || st.st_size == 0) {
		diag_error(w->d, j->final, NULL, "gnuplot wrote no image");
	} else if (rename(j->tmp, j->final) != 0) {
		diag_error(w->d, j->final, NULL, "cannot rename the image: %s",
			   diag_strerror(errno));
	} else {
		ok = true;
	}
	unlink(j->tmp);
	free(j->tmp);
	free(j->errfile);
	return ok;
}

/* The PNG and the SVG side by side (two gnuplot processes). */
bool gnuplot_draw(const struct gnuplot *g, const char *dir, const char *name, const char *tmpl,
		  const char *params, struct diag *d)
{
	const struct draw w = {g, dir, name, tmpl, params, d};
	struct job png, svg;

	job_start(&w, "png", &png);
	job_start(&w, "svg", &svg);
	bool ok = job_finish(&w, &png);
	ok &= job_finish(&w, &svg);
	if (!ok) { /* an older image of the same name would disagree with the page */
		unlink(png.final);
		unlink(svg.final);
	}
	free(png.final);
	free(svg.final);
	return ok;
}
