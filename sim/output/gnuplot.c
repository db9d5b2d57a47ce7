/*
 * gnuplot — the figures' driver (see gnuplot.h): parameters and data files
 * for the templates, finding gnuplot and the templates, the scratch folder,
 * checking images, and running gnuplot with its images staged.
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
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#ifndef SPOTSIM_DATADIR
#define SPOTSIM_DATADIR "/usr/local/share/spotsim"
#endif

/* ---- parameters and data files for the templates ---- */

/* Appends `value` as a gnuplot single-quoted string. */
static void gnuplot_quote(struct strbuf *sb, const char *value)
{
	strbuf_addch(sb, '\'');
	for (const char *p = value; *p; p++) {
		if (*p == '\'')
			strbuf_addch(sb, '\'');
		strbuf_addch(sb, *p == '\n' || *p == '\r' ? ' ' : *p);
	}
	strbuf_addch(sb, '\'');
}

void gnuplot_str(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_addf(sb, "%s=", key);
	gnuplot_quote(sb, value);
	strbuf_adds(sb, "; ");
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
	gnuplot_axis_within(sb, axis, lo, hi, -INFINITY, INFINITY);
}

void gnuplot_axis_within(struct strbuf *sb, char axis, double lo, double hi, double min, double max)
{
	double scale = fmax(fabs(lo), fabs(hi)), span = hi - lo;
	char name[8];

	if (!isfinite(lo) || !isfinite(hi))
		return;
	if (isfinite(min) && isfinite(max)) {
		snprintf(name, sizeof(name), "%cmin", axis);
		gnuplot_num(sb, name, min);
		snprintf(name, sizeof(name), "%cmax", axis);
		gnuplot_num(sb, name, max);
	}
	if (span < 1e-6 * scale) {
		double pad = scale > 0 ? 1e-4 * scale : 1;
		lo = fmax(lo - pad, min);
		hi = fmin(hi + pad, max);
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

/* ---- the scratch folder ---- */

int gnuplot_make_tmp(struct gnuplot *g, struct diag *d)
{
	int err;

	g->tmp = outdir_scratch(g->out, &err);
	if (!g->tmp) {
		diag_error(d, outdir_staging(g->out), NULL, "cannot create a temporary folder: %s",
			   diag_strerror(err));
		return SPOTSIM_EIO;
	}
	return 0;
}

char *gnuplot_tmp_path(const struct gnuplot *g, const char *name)
{
	return xasprintf("%s/%s", g->tmp, name);
}

FILE *gnuplot_tmp_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (fd >= 0 && !f)
		close(fd);
	return f;
}

void gnuplot_release(struct gnuplot *g)
{
	free(g->tmpl_dir);
	free(g->exe);
	memset(g, 0, sizeof(*g));
}

/* ---- checking an image ---- */

/* The last `n` bytes of the open file `fd` of `size` bytes into buf; false when short. */
static bool read_tail(int fd, off_t size, unsigned char *buf, size_t n)
{
	return size >= (off_t)n && pread(fd, buf, n, size - (off_t)n) == (ssize_t)n;
}

static bool png_ok(int fd, off_t size)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	/* the IEND chunk: length 0, type, CRC */
	static const unsigned char iend[12] = {0,   0,	 0,    0,    'I',  'E',
					       'N', 'D', 0xAE, 0x42, 0x60, 0x82};
	unsigned char head[8], tail[12];

	return pread(fd, head, 8, 0) == 8 && !memcmp(head, sig, 8) &&
	       read_tail(fd, size, tail, 12) && !memcmp(tail, iend, 12);
}

static bool svg_ok(int fd, off_t size)
{
	unsigned char tail[64];
	size_t n = size < (off_t)sizeof(tail) ? (size_t)size : sizeof(tail);

	if (!read_tail(fd, size, tail, n))
		return false;
	while (n > 0 && strchr(" \t\r\n", tail[n - 1]) && tail[n - 1])
		n--;
	return n >= 6 && !memcmp(tail + n - 6, "</svg>", 6);
}

/* True when the file `path` is a complete image of format `ext` ("png" or "svg"). */
static bool image_complete(const char *path, const char *ext)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	bool ok;

	if (fd < 0)
		return false;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	     (!strcmp(ext, "png") ? png_ok(fd, st.st_size) : svg_ok(fd, st.st_size));
	close(fd);
	return ok;
}

/* ---- running gnuplot ---- */

/* Polling period of the wait, and the grace between SIGTERM and SIGKILL. */
#define TICK_MS	 5
#define GRACE_MS 250

static volatile sig_atomic_t stop;

void gnuplot_interrupt(void)
{
	stop = 1;
}

bool gnuplot_interrupted(void)
{
	return stop != 0;
}

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

/* In the child: dies with its parent, default signals, stdin from /dev/null, output to errfile. */
static void child_setup(pid_t parent, const char *errfile)
{
	sigset_t none;
	int in, out;

#ifdef __linux__
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
#else
	(void)parent;
#endif
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	in = open("/dev/null", O_RDONLY);
	out = open(errfile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
}

/*
 * Starts `gnuplot -e params script` (`gnuplot script` when params is NULL),
 * its output going to errfile; returns its pid or -1.
 */
static pid_t spawn_gnuplot(const char *gnuplot, const char *params, const char *tmpl,
			   const char *errfile)
{
	/* -d: no ~/.gnuplot or system init file, so every machine draws the same */
	char *const with_e[] = {(char *)"gnuplot", (char *)"-d", (char *)"-e",
				(char *)params,	   (char *)tmpl, NULL};
	char *const plain[] = {(char *)"gnuplot", (char *)"-d", (char *)tmpl, NULL};
	char *const *argv = params ? with_e : plain;
	sigset_t set, old;
	pid_t parent = getpid(), pid;

	/* held across fork: spotsim's handler never runs in the child */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	if (pid == 0) {
		child_setup(parent, errfile);
		execv(gnuplot, argv);
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* One figure being drawn: where and from what (all borrowed). */
struct draw {
	const struct gnuplot *g;
	const char *dir, *name, *tmpl, *params;
	struct diag *d;
};

/* One image being drawn: a figure in one format. */
struct job {
	const char *ext;
	char *final;   /* owned: DIR/plots/NAME.EXT, for messages */
	char *path;    /* owned: the outdir file gnuplot writes */
	char *errfile; /* owned */
	struct outdir_file of;
	pid_t pid;  /* -1 when not started; 0 once reaped */
	int status; /* gnuplot's exit status; 127 when it could not start, 128 when killed */
};

/* Creates the outdir file of figure `w` in format `ext` for gnuplot to write; sets j->path. */
static bool job_open(const struct draw *w, const char *ext, struct job *j)
{
	char *image = xasprintf("plots/%s.%s", w->name, ext),
	     *err = xasprintf("%s.%s.err", w->name, ext);
	int rc;

	memset(j, 0, sizeof(*j));
	j->ext = ext;
	j->pid = -1;
	j->status = 127;
	j->final = xasprintf("%s/%s", w->dir, image);
	j->errfile = gnuplot_tmp_path(w->g, err);
	if ((rc = outdir_file_create(w->g->out, image, &j->of)) != 0)
		diag_error(w->d, j->final, NULL, "cannot write: %s", diag_strerror(rc));
	else if (!stop)
		j->path = outdir_file_path(w->g->out, &j->of);
	free(image);
	free(err);
	return j->path != NULL;
}

/* The assignments that make figure `w` write `outfile` (appended to `sb`). */
static void figure_params(const struct draw *w, const char *ext, const char *outfile,
			  struct strbuf *sb)
{
	gnuplot_str(sb, "plotdir", w->g->tmpl_dir);
	gnuplot_str(sb, "term", ext);
	gnuplot_str(sb, "outfile", outfile);
	strbuf_adds(sb, w->params);
}

static void job_start(const struct draw *w, const char *ext, struct job *j)
{
	char *tmpl = xasprintf("%s/%s", w->g->tmpl_dir, w->tmpl);
	struct strbuf sb = STRBUF_INIT;

	if (job_open(w, ext, j)) {
		figure_params(w, ext, j->path, &sb);
		j->pid = spawn_gnuplot(w->g->exe, sb.buf, tmpl, j->errfile);
	}
	strbuf_release(&sb);
	free(tmpl);
}

/* Reaps job `j` if it has ended; true when it has (or never started). */
static bool job_reaped(struct job *j)
{
	int status;
	pid_t r;

	if (j->pid <= 0)
		return true;
	r = waitpid(j->pid, &status, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return false;
	j->status = r < 0 ? 127 : WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	j->pid = 0;
	return true;
}

/*
 * Waits for the jobs; once interrupted, sends them SIGTERM, then SIGKILL
 * after GRACE_MS, so that none outlives the wait.
 */
static void wait_jobs(struct job *jobs, int n)
{
	const struct timespec tick = {0, TICK_MS * 1000000L};
	int since_term = -1;

	for (;;) {
		bool all = true;
		for (int i = 0; i < n; i++)
			all &= job_reaped(&jobs[i]);
		if (all)
			return;
		if (stop && (since_term < 0 || since_term >= GRACE_MS))
			for (int i = 0; i < n; i++)
				if (jobs[i].pid > 0)
					kill(jobs[i].pid, since_term < 0 ? SIGTERM : SIGKILL);
		if (stop && since_term < 0)
			since_term = 0;
		nanosleep(&tick, NULL);
		if (since_term >= 0)
			since_term += TICK_MS;
	}
}

/* True when the job's image is complete; else adds why it is not (unless interrupted). */
static bool job_ok(const struct draw *w, struct job *j)
{
	if (!j->of.f || stop)
		return false;
	if (j->status != 0) {
		char *why = last_error_line(j->errfile);
		diag_error(w->d, j->final, NULL, "gnuplot failed (status %d): %s", j->status, why);
		free(why);
		return false;
	}
	if (!image_complete(j->path, j->ext)) {
		diag_error(w->d, j->final, NULL,
			   "gnuplot wrote no complete %s image (is the disk full?)",
			   !strcmp(j->ext, "png") ? "PNG" : "SVG");
		return false;
	}
	return true;
}

static void job_release(struct job *j)
{
	free(j->final);
	free(j->path);
	free(j->errfile);
}

/* Stages both images, or neither. */
static bool stage_both(const struct draw *w, struct job *j)
{
	for (int i = 0; i < 2; i++) {
		int err = outdir_file_close(w->g->out, &j[i].of);
		if (err) {
			diag_error(w->d, j[i].final, NULL, "cannot write: %s", diag_strerror(err));
			outdir_file_discard(w->g->out, &j[1].of);
			if (i == 1) {
				char *png = xasprintf("plots/%s.png", w->name);
				outdir_drop(w->g->out, png);
				free(png);
			}
			return false;
		}
	}
	return true;
}

/* The PNG and the SVG side by side (two gnuplot processes). */
bool gnuplot_draw(const struct gnuplot *g, const char *dir, const char *name, const char *tmpl,
		  const char *params, struct diag *d)
{
	const struct draw w = {g, dir, name, tmpl, params, d};
	struct job j[2];
	bool ok;

	job_start(&w, "png", &j[0]);
	job_start(&w, "svg", &j[1]);
	wait_jobs(j, 2);
	ok = job_ok(&w, &j[0]);
	ok &= job_ok(&w, &j[1]);
	if (ok) {
		ok = stage_both(&w, j);
	} else {
		outdir_file_discard(g->out, &j[0].of);
		outdir_file_discard(g->out, &j[1].of);
	}
	job_release(&j[0]);
	job_release(&j[1]);
	return ok;
}

/* ---- every figure in one gnuplot per format ---- */

static void discard_pair(const struct gnuplot *g, struct job *png, struct job *svg)
{
	outdir_file_discard(g->out, &png->of);
	outdir_file_discard(g->out, &svg->of);
}

/*
 * The script that draws every figure of `figs` in format `ext` into the
 * files of `jobs` (jobs[i] for figs[i]): per figure, a fresh session (no
 * setting or variable of the previous figure remains), its parameters,
 * its template, and the image closed. Returns its path (owned), or NULL.
 */
static char *batch_script(const struct gnuplot *g, const char *dir, const char *ext,
			  const struct gnuplot_figure *figs, const struct job *jobs, size_t n)
{
	char *path = xasprintf("%s/batch.%s.gp", g->tmp, ext);
	FILE *f = gnuplot_tmp_open(path);
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; f && i < n; i++) {
		const struct draw w = {g, dir, figs[i].name, figs[i].tmpl, figs[i].params, NULL};
		char *tmpl = xasprintf("%s/%s", g->tmpl_dir, figs[i].tmpl);
		strbuf_reset(&sb);
		figure_params(&w, ext, jobs[i].path, &sb);
		strbuf_adds(&sb, "\nload ");
		gnuplot_quote(&sb, tmpl);
		fprintf(f, "reset session\n%s\nunset output\n", sb.buf);
		free(tmpl);
	}
	strbuf_release(&sb);
	if (!f || fclose(f)) {
		free(path);
		return NULL;
	}
	return path;
}

/* Runs one gnuplot per format on its batch script, side by side; true when both exit 0. */
static bool batch_run(const struct gnuplot *g, const char *dir, const struct gnuplot_figure *figs,
		      struct job *jobs, size_t n)
{
	static const char *const exts[2] = {"png", "svg"};
	struct job proc[2];
	bool ok = true;

	for (int k = 0; k < 2; k++) {
		char *script = batch_script(g, dir, exts[k], figs, jobs + k * n, n);
		memset(&proc[k], 0, sizeof(proc[k]));
		proc[k].pid = -1;
		proc[k].status = 127;
		proc[k].errfile = xasprintf("%s/batch.%s.err", g->tmp, exts[k]);
		if (script && !stop)
			proc[k].pid = spawn_gnuplot(g->exe, NULL, script, proc[k].errfile);
		free(script);
	}
	wait_jobs(proc, 2);
	for (int k = 0; k < 2; k++) {
		ok &= proc[k].status == 0;
		free(proc[k].errfile);
	}
	return ok;
}

/* Stages figure i's images when both are complete; else discards them. */
static bool batch_stage(const struct gnuplot *g, const char *dir, const struct gnuplot_figure *fig,
			struct job *png, struct job *svg, struct diag *d)
{
	const struct draw w = {g, dir, fig->name, fig->tmpl, fig->params, d};
	struct job pair[2] = {*png, *svg};
	bool ok;

	pair[0].status = pair[1].status = 0;
	ok = job_ok(&w, &pair[0]);
	ok &= job_ok(&w, &pair[1]);
	if (ok) {
		ok = stage_both(&w, pair);
	} else {
		outdir_file_discard(g->out, &pair[0].of);
		outdir_file_discard(g->out, &pair[1].of);
	}
	return ok;
}

void gnuplot_draw_all(const struct gnuplot *g, const char *dir, struct gnuplot_figure *figs,
		      size_t n, struct diag *d)
{
	struct job *jobs = xcalloc(2 * n + 1, sizeof(*jobs));
	bool opened = true, ran;

	for (size_t i = 0; i < n; i++) {
		const struct draw w = {g, dir, figs[i].name, figs[i].tmpl, figs[i].params, d};
		opened &= job_open(&w, "png", &jobs[i]);
		opened &= job_open(&w, "svg", &jobs[n + i]);
	}
	ran = opened && !stop && batch_run(g, dir, figs, jobs, n);
	for (size_t i = 0; i < n; i++) {
		if (ran)
			figs[i].drawn = batch_stage(g, dir, &figs[i], &jobs[i], &jobs[n + i], d);
		else
			discard_pair(g, &jobs[i], &jobs[n + i]);
	}
	/* a template that failed stops its gnuplot: each figure again on its own, to name it */
	for (size_t i = 0; i < n && !ran && !stop; i++)
		figs[i].drawn = gnuplot_draw(g, dir, figs[i].name, figs[i].tmpl, figs[i].params, d);
	for (size_t i = 0; i < 2 * n; i++)
		job_release(&jobs[i]);
	free(jobs);
}
