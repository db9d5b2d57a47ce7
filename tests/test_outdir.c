/*
 * Tests of outdir (and of fileio's temporaries): an output folder written
 * through a private staging folder and committed at once, by failure mode:
 *  - nothing under a final name before the commit; the commit replaces,
 *    removes what is claimed and not staged, and touches nothing else;
 *  - a rename that fails at any step of the commit (the renameat seam)
 *    leaves every previous file as it was; when the undo fails too, or
 *    hard links are refused (the linkat seam), the error lists exactly
 *    which names are new and which are previous;
 *  - symbolic links planted at temporaries' names (the random seam makes
 *    them predictable), at final names and at the folder `plots` are never
 *    written through;
 *  - a write that fails (RLIMIT_FSIZE: a full disk) stages nothing;
 *  - leftovers of dead processes are swept, those of live ones are not;
 *  - the signal path removes the staging folder and the commit then fails.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spotsim/output/outdir.h"
#include "spotsim/util/error.h"
#include "spotsim/util/fileio.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

/* Each test gets a fresh root: `out` is the output folder, `outside` a folder beside it. */
struct fixture {
	char root[64];
	char out[128];
	char outside[128];
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	if (!testutil_make_dir(fx->root, sizeof(fx->root), "outdir")) {
		free(fx);
		return -1;
	}
	snprintf(fx->out, sizeof(fx->out), "%s/out", fx->root);
	snprintf(fx->outside, sizeof(fx->outside), "%s/outside", fx->root);
	if (mkdir(fx->out, 0755) || mkdir(fx->outside, 0755))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int rc = testutil_remove_tree(fx->root);
	outdir_renameat = renameat;
	outdir_linkat = linkat;
	free(fx);
	return rc;
}

/* ---- helpers ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char *p = testutil_path_in(dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* The content of DIR/NAME, or "(none)" when there is no such file (owned). */
static char *content(const char *dir, const char *name)
{
	char *p = testutil_path_in(dir, name);
	FILE *f = fopen(p, "r");
	struct strbuf sb = STRBUF_INIT;
	char buf[256];
	size_t n;

	free(p);
	if (!f)
		return xstrdup("(none)");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb);
}

static void assert_content(const char *dir, const char *name, const char *want)
{
	char *got = content(dir, name);
	if (strcmp(got, want))
		fail_msg("%s/%s: \"%s\", expected \"%s\"", dir, name, got, want);
	free(got);
}

/* The entries of `dir` sorted and joined with spaces (owned); "" for none. */
static char *listing(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);
	struct strbuf sb = STRBUF_INIT;

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, ".."))
			strbuf_addf(&sb, "%s%s", sb.len ? " " : "", list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return strbuf_detach(&sb);
}

static void assert_listing(const char *dir, const char *want)
{
	char *got = listing(dir);
	if (strcmp(got, want))
		fail_msg("%s holds \"%s\", expected \"%s\"", dir, got, want);
	free(got);
}

static struct outdir *open_ok(const char *dir)
{
	struct outdir *o = NULL;
	struct diag d;

	diag_init(&d);
	assert_int_equal(outdir_open(&o, dir, &d), 0);
	assert_int_equal(d.nr, 0);
	diag_release(&d);
	return o;
}

static void stage(struct outdir *o, const char *name, const char *text)
{
	struct outdir_file of;

	assert_int_equal(outdir_file_create(o, name, &of), 0);
	fputs(text, of.f);
	assert_int_equal(outdir_file_close(o, &of), 0);
	assert_true(outdir_staged(o, name));
}

static void commit_ok(struct outdir *o)
{
	struct diag d;

	diag_init(&d);
	assert_int_equal(outdir_commit(o, &d), 0);
	assert_int_equal(d.nr, 0);
	diag_release(&d);
}

/* The lines of `d`, joined with newlines (owned). */
static char *diag_text(const struct diag *d)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < d->nr; i++) {
		char *line = diag_line(d, i);
		strbuf_addf(&sb, "%s\n", line);
		free(line);
	}
	return strbuf_detach(&sb);
}

/* ---- staging and committing ---- */

/* An earlier run's files, a user's files, and a plots folder with both. */
static void earlier_run(const char *dir)
{
	char *plots = testutil_path_in(dir, "plots");

	write_file(dir, "a.csv", "old a\n");
	write_file(dir, "b.csv", "old b\n");
	write_file(dir, "report.html", "old page\n");
	write_file(dir, "notes.txt", "mine\n");
	assert_int_equal(mkdir(plots, 0755), 0);
	write_file(plots, "x.png", "old x\n");
	write_file(plots, "gone.png", "old gone\n");
	write_file(plots, "mine.png", "mine\n");
	free(plots);
}

static void test_commit_replaces_and_removes(void **state)
{
	struct fixture *fx = *state;
	char *plots = testutil_path_in(fx->out, "plots");
	struct outdir *o;

	earlier_run(fx->out);
	o = open_ok(fx->out);
	stage(o, "a.csv", "new a\n");
	stage(o, "b.csv", "new b\n");
	stage(o, "plots/x.png", "new x\n");
	outdir_claim(o, "plots/gone.png");
	outdir_claim(o, "report.html");
	outdir_claim(o, "never.csv"); /* claimed, absent before and after */
	/* nothing changes before the commit */
	assert_content(fx->out, "a.csv", "old a\n");
	assert_content(plots, "x.png", "old x\n");
	commit_ok(o);
	outdir_free(o);
	assert_listing(fx->out, "a.csv b.csv notes.txt plots");
	assert_listing(plots, "mine.png x.png");
	assert_content(fx->out, "a.csv", "new a\n");
	assert_content(fx->out, "b.csv", "new b\n");
	assert_content(plots, "x.png", "new x\n");
	assert_content(fx->out, "notes.txt", "mine\n");
	assert_content(plots, "mine.png", "mine\n");
	free(plots);
}

static void test_abort_leaves_folder_as_it_was(void **state)
{
	struct fixture *fx = *state;
	struct outdir *o;
	struct outdir_file of;

	earlier_run(fx->out);
	o = open_ok(fx->out);
	stage(o, "a.csv", "new a\n");
	outdir_claim(o, "report.html");
	assert_int_equal(outdir_file_create(o, "b.csv", &of), 0); /* still being written */
	fputs("half", of.f);
	outdir_abort(o);
	outdir_file_discard(o, &of);
	outdir_free(o);
	assert_listing(fx->out, "a.csv b.csv notes.txt plots report.html");
	assert_content(fx->out, "a.csv", "old a\n");
	assert_content(fx->out, "report.html", "old page\n");
	outdir_free(NULL);
}

/* A folder this commit would leave empty is removed; one with a user's file is kept. */
static void test_emptied_plots_folder(void **state)
{
	struct fixture *fx = *state;
	char *plots = testutil_path_in(fx->out, "plots"),
	     *mine = testutil_path_in(plots, "mine.png");
	struct outdir *o;

	earlier_run(fx->out);
	o = open_ok(fx->out);
	outdir_claim(o, "plots/x.png");
	outdir_claim(o, "plots/gone.png");
	commit_ok(o);
	outdir_free(o);
	assert_listing(plots, "mine.png");
	assert_int_equal(unlink(mine), 0);
	o = open_ok(fx->out);
	outdir_claim(o, "plots/x.png");
	commit_ok(o);
	outdir_free(o);
	assert_listing(fx->out, "a.csv b.csv notes.txt report.html");
	free(mine);
	free(plots);
}

static void test_file_still_open_is_an_error(void **state)
{
	struct fixture *fx = *state;
	struct outdir *o = open_ok(fx->out);
	struct outdir_file of;
	struct diag d;

	assert_int_equal(outdir_file_create(o, "a.csv", &of), 0);
	diag_init(&d);
	assert_int_equal(outdir_commit(o, &d), SPOTSIM_EIO);
	assert_true(diag_failed(&d));
	diag_release(&d);
	outdir_file_discard(o, &of);
	outdir_free(o);
	assert_listing(fx->out, "");
}

/* ---- a failed rename during the commit ---- */

static int renames, fail_from, fail_until;

/* renameat, except calls fail_from..fail_until (counted from 1), which fail with EIO. */
static int failing_renameat(int a, const char *b, int c, const char *e)
{
	renames++;
	if (renames >= fail_from && renames <= fail_until) {
		errno = EIO;
		return -1;
	}
	return renameat(a, b, c, e);
}

static int refusing_linkat(int a, const char *b, int c, const char *e, int f)
{
	(void)a, (void)b, (void)c, (void)e, (void)f;
	errno = EPERM;
	return -1;
}

/*
 * An earlier run with a.csv, b.csv, report.html and plots/x.png; a new one
 * that stages a.csv, b.csv, c.csv (new name) and plots/x.png and removes
 * report.html (claimed, not staged): 5 renames.
 */
static struct outdir *five_step_commit(const char *dir)
{
	struct outdir *o;

	earlier_run(dir);
	o = open_ok(dir);
	stage(o, "a.csv", "new a\n");
	stage(o, "b.csv", "new b\n");
	stage(o, "c.csv", "new c\n");
	stage(o, "plots/x.png", "new x\n");
	outdir_claim(o, "report.html");
	return o;
}

static void assert_earlier_run(const char *dir)
{
	char *plots = testutil_path_in(dir, "plots");

	assert_listing(dir, "a.csv b.csv notes.txt plots report.html");
	assert_listing(plots, "gone.png mine.png x.png");
	assert_content(dir, "a.csv", "old a\n");
	assert_content(dir, "b.csv", "old b\n");
	assert_content(dir, "report.html", "old page\n");
	assert_content(plots, "x.png", "old x\n");
	free(plots);
}

/* Whichever rename fails, the folder holds the earlier run, and one error names the file. */
static void test_failed_rename_keeps_previous_outputs(void **state)
{
	static const char *const failing[] = {"a.csv", "b.csv", "c.csv", "plots/x.png",
					      "report.html"};
	struct fixture *fx = *state;

	for (int k = 1; k <= 5; k++) {
		struct outdir *o = five_step_commit(fx->out);
		struct diag d;
		char *want = xasprintf("%s/%s: %s: input/output error", fx->out, failing[k - 1],
				       k == 5 ? "cannot remove the previous file"
					      : "cannot rename the finished file");
		renames = 0;
		fail_from = fail_until = k;
		outdir_renameat = failing_renameat;
		diag_init(&d);
		assert_int_equal(outdir_commit(o, &d), SPOTSIM_EIO);
		outdir_renameat = renameat;
		assert_int_equal(d.nr, 1);
		char *line = diag_line(&d, 0);
		assert_string_equal(line, want);
		free(line);
		assert_false(outdir_mixed(o));
		diag_release(&d);
		outdir_free(o);
		assert_earlier_run(fx->out);
		free(want);
		assert_int_equal(testutil_remove_tree(fx->out), 0);
		assert_int_equal(mkdir(fx->out, 0755), 0);
	}
}

/* The rename of c.csv fails and so do the undo's renames: the error says what is where. */
static void test_failed_undo_lists_new_and_previous(void **state)
{
	struct fixture *fx = *state;
	struct outdir *o = five_step_commit(fx->out);
	struct diag d;
	char *text, *want;

	renames = 0;
	fail_from = 3;
	fail_until = 1000;
	outdir_renameat = failing_renameat;
	diag_init(&d);
	assert_int_equal(outdir_commit(o, &d), SPOTSIM_EIO);
	outdir_renameat = renameat;
	assert_true(outdir_mixed(o));
	text = diag_text(&d);
	want = xasprintf("%s/c.csv: cannot rename the finished file: input/output error\n"
			 "%s: the commit stopped half-way and the folder now mixes two runs (new: "
			 "a.csv, b.csv; previous: plots/x.png, report.html; missing: c.csv); run "
			 "again\n",
			 fx->out, fx->out);
	assert_string_equal(text, want);
	free(text);
	free(want);
	diag_release(&d);
	outdir_free(o);
	/* exactly as listed */
	assert_content(fx->out, "a.csv", "new a\n");
	assert_content(fx->out, "b.csv", "new b\n");
	assert_content(fx->out, "c.csv", "(none)");
	assert_content(fx->out, "report.html", "old page\n");
}

/* Without hard links the replaced files cannot be put back: they are listed as new. */
static void test_no_hard_links(void **state)
{
	struct fixture *fx = *state;
	struct outdir *o = five_step_commit(fx->out);
	struct diag d;
	char *text;

	renames = 0;
	fail_from = fail_until = 4; /* plots/x.png */
	outdir_renameat = failing_renameat;
	outdir_linkat = refusing_linkat;
	diag_init(&d);
	assert_int_equal(outdir_commit(o, &d), SPOTSIM_EIO);
	outdir_renameat = renameat;
	outdir_linkat = linkat;
	assert_true(outdir_mixed(o));
	text = diag_text(&d);
	assert_non_null(strstr(text, "(new: a.csv, b.csv; previous: plots/x.png, report.html; "
				     "missing: c.csv)"));
	free(text);
	diag_release(&d);
	outdir_free(o);
	assert_content(fx->out, "a.csv", "new a\n");
	assert_content(fx->out, "c.csv", "(none)"); /* a new name is always taken back */
}

/* With hard links refused but no failure, the commit succeeds. */
static void test_no_hard_links_commit_succeeds(void **state)
{
	struct fixture *fx = *state;
	struct outdir *o = five_step_commit(fx->out);

	outdir_linkat = refusing_linkat;
	commit_ok(o);
	outdir_linkat = linkat;
	outdir_free(o);
	assert_listing(fx->out, "a.csv b.csv c.csv notes.txt plots");
	assert_content(fx->out, "c.csv", "new c\n");
}

/* A folder where a staged file must go: refused before anything changes. */
static void test_folder_in_the_way(void **state)
{
	struct fixture *fx = *state;
	char *busy = testutil_path_in(fx->out, "b.csv");
	struct outdir *o;
	struct diag d;
	char *line, *want;

	write_file(fx->out, "a.csv", "old a\n");
	assert_int_equal(mkdir(busy, 0755), 0);
	o = open_ok(fx->out);
	stage(o, "a.csv", "new a\n");
	stage(o, "b.csv", "new b\n");
	diag_init(&d);
	assert_int_equal(outdir_commit(o, &d), SPOTSIM_EIO);
	line = diag_line(&d, 0);
	want = xasprintf("%s: cannot rename the finished file: is a directory", busy);
	assert_string_equal(line, want);
	free(line);
	free(want);
	diag_release(&d);
	outdir_free(o);
	assert_content(fx->out, "a.csv", "old a\n");
	assert_listing(fx->out, "a.csv b.csv");
	free(busy);
}

/* ---- symbolic links ---- */

/* Temporaries' names, made predictable, with a symbolic link planted at the first. */
static uint64_t fixed_bits;
static uint64_t fixed_random(void)
{
	return fixed_bits++;
}

static void test_planted_temporary_name(void **state)
{
	struct fixture *fx = *state;
	char first[FILEIO_TEMP_NAME_SIZE], name[FILEIO_TEMP_NAME_SIZE];
	char *target = testutil_path_in(fx->outside, "victim");
	char *link = NULL;
	int dfd = open(fx->out, O_RDONLY | O_DIRECTORY), fd;

	uint64_t (*saved)(void) = fileio_random;

	write_file(fx->outside, "victim", "precious\n");
	fileio_random = fixed_random;
	fixed_bits = 1;
	fileio_temp_name(first);
	link = testutil_path_in(fx->out, first);
	assert_int_equal(symlink(target, link), 0);
	fixed_bits = 1; /* the same name comes first again */
	fd = fileio_temp_create(dfd, name);
	assert_true(fd >= 0);
	assert_string_not_equal(name, first);
	assert_true(write(fd, "x", 1) == 1);
	close(fd);
	/* the same for a folder: mkdir never follows the link either */
	fixed_bits = 1;
	assert_int_equal(fileio_temp_mkdir(dfd, name), 0);
	assert_string_not_equal(name, first);
	fileio_random = saved;
	assert_content(fx->outside, "victim", "precious\n");
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode)); /* never removed to reuse the name */
	close(dfd);
	free(link);
	free(target);
}

/* Two names in a row share nothing but the prefix and the PID. */
static void test_names_are_unpredictable(void **state)
{
	char a[FILEIO_TEMP_NAME_SIZE], b[FILEIO_TEMP_NAME_SIZE], prefix[32];
	long pid;

	(void)state;
	fileio_temp_name(a);
	fileio_temp_name(b);
	snprintf(prefix, sizeof(prefix), ".spotsim-tmp.%ld.", (long)getpid());
	assert_int_equal(strncmp(a, prefix, strlen(prefix)), 0);
	assert_int_equal(strlen(a), strlen(prefix) + 12);
	assert_string_not_equal(a + strlen(prefix), b + strlen(prefix));
	assert_true(fileio_temp_parse(a, &pid));
	assert_int_equal(pid, getpid());
	assert_false(fileio_temp_parse(".spotsim-tmp.x.abcdef", NULL));
	assert_false(fileio_temp_parse(".spotsim-tmp.12.abc", NULL));
	assert_false(fileio_temp_parse(".timeseries.csv.tmp.12", NULL));
	assert_false(fileio_temp_parse(".spotsim-tmp.12.abcdef/x", NULL));
}

/* A final name that is a symbolic link is replaced, its target untouched. */
static void test_link_at_final_name(void **state)
{
	struct fixture *fx = *state;
	char *target = testutil_path_in(fx->outside, "victim");
	char *link = testutil_path_in(fx->out, "report.html");
	struct outdir *o;
	struct stat st;

	write_file(fx->outside, "victim", "precious\n");
	assert_int_equal(symlink(target, link), 0);
	o = open_ok(fx->out);
	stage(o, "report.html", "page\n");
	commit_ok(o);
	outdir_free(o);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_content(fx->out, "report.html", "page\n");
	assert_content(fx->outside, "victim", "precious\n");
	/* a claimed name that is a link is removed, not followed */
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink(target, link), 0);
	o = open_ok(fx->out);
	outdir_claim(o, "report.html");
	commit_ok(o);
	outdir_free(o);
	assert_listing(fx->out, "");
	assert_content(fx->outside, "victim", "precious\n");
	free(link);
	free(target);
}

/* plots as a symbolic link to another folder: refused, nothing written there. */
static void test_link_at_plots(void **state)
{
	struct fixture *fx = *state;
	char *plots = testutil_path_in(fx->out, "plots");
	struct outdir *o;
	struct diag d;
	char *line, *want;

	write_file(fx->outside, "x.png", "precious\n");
	assert_int_equal(symlink(fx->outside, plots), 0);
	write_file(fx->out, "a.csv", "old a\n");
	o = open_ok(fx->out);
	stage(o, "a.csv", "new a\n");
	stage(o, "plots/x.png", "new x\n");
	diag_init(&d);
	assert_int_equal(outdir_commit(o, &d), SPOTSIM_EIO);
	line = diag_line(&d, 0);
	want = xasprintf("%s: cannot write: not a folder (a symbolic link or a file is in the way)",
			 plots);
	assert_string_equal(line, want);
	free(line);
	free(want);
	diag_release(&d);
	outdir_free(o);
	assert_content(fx->out, "a.csv", "old a\n");
	assert_listing(fx->outside, "x.png");
	assert_content(fx->outside, "x.png", "precious\n");
	/* claimed only (a run without plots): the link is left alone, nothing removed through it */
	o = open_ok(fx->out);
	stage(o, "a.csv", "new a\n");
	outdir_claim(o, "plots/x.png");
	commit_ok(o);
	outdir_free(o);
	assert_content(fx->out, "a.csv", "new a\n");
	assert_content(fx->outside, "x.png", "precious\n");
	free(plots);
}

/* ---- a full disk ---- */

static void test_failed_write_stages_nothing(void **state)
{
	struct fixture *fx = *state;
	struct outdir *o = open_ok(fx->out);
	struct outdir_file of;
	struct rlimit saved, small;
	char block[4096];
	void (*old)(int) = signal(SIGXFSZ, SIG_IGN);

	memset(block, 'x', sizeof(block));
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	small = saved;
	small.rlim_cur = 3 * sizeof(block);
	assert_int_equal(outdir_file_create(o, "a.csv", &of), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	for (int i = 0; i < 8; i++)
		fwrite(block, 1, sizeof(block), of.f);
	int err = outdir_file_close(o, &of);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, old);
	assert_int_equal(err, EFBIG);
	assert_false(outdir_staged(o, "a.csv"));
	commit_ok(o); /* claimed, not staged: nothing there */
	outdir_free(o);
	assert_listing(fx->out, "");
}

/* ---- leftovers and signals ---- */

/* The PID of a process that has just ended. */
static long dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return (long)pid;
}

static void test_leftovers_swept(void **state)
{
	struct fixture *fx = *state;
	char *target = testutil_path_in(fx->outside, "victim");
	char *dead_dir = xasprintf(".spotsim-tmp.%ld.abcdefghijkl", dead_pid());
	char *dead_file = xasprintf(".spotsim-tmp.%ld.mnopqrstuvwx", dead_pid());
	char *dead_link = xasprintf(".spotsim-tmp.%ld.linklinklink", dead_pid());
	char *alive = xasprintf(".spotsim-tmp.%ld.alivealiveal", (long)getppid());
	char *path = testutil_path_in(fx->out, dead_dir), *sub = testutil_path_in(path, "plots");
	char *want;
	struct outdir *o;

	write_file(fx->outside, "victim", "precious\n");
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(path, "timeseries.csv", "half\n");
	write_file(sub, "tasks.png", "half\n");
	write_file(fx->out, dead_file, "half\n");
	write_file(fx->out, alive, "a live run's\n");
	write_file(fx->out, ".spotsim-tmp.notapid.x", "not a temporary\n");
	free(path);
	path = testutil_path_in(fx->out, dead_link);
	assert_int_equal(symlink(target, path), 0);
	o = open_ok(fx->out);
	outdir_free(o);
	want = xasprintf("%s .spotsim-tmp.notapid.x", alive);
	assert_listing(fx->out, want);
	assert_content(fx->outside, "victim", "precious\n");
	free(want);
	free(path);
	free(sub);
	free(dead_dir);
	free(dead_file);
	free(dead_link);
	free(alive);
	free(target);
}

static void test_signal_path(void **state)
{
	struct fixture *fx = *state;
	struct outdir *o;
	struct diag d;

	earlier_run(fx->out);
	o = open_ok(fx->out);
	stage(o, "a.csv", "new a\n");
	outdir_remove_temps();
	assert_listing(fx->out, "a.csv b.csv notes.txt plots report.html");
	diag_init(&d);
	assert_int_equal(outdir_commit(o, &d), SPOTSIM_EIO);
	assert_true(diag_failed(&d));
	diag_release(&d);
	outdir_free(o);
	assert_earlier_run(fx->out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_commit_replaces_and_removes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_abort_leaves_folder_as_it_was, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_emptied_plots_folder, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_file_still_open_is_an_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_rename_keeps_previous_outputs, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_failed_undo_lists_new_and_previous, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_no_hard_links, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_hard_links_commit_succeeds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_folder_in_the_way, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_planted_temporary_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_names_are_unpredictable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_link_at_final_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_link_at_plots, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_write_stages_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_leftovers_swept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_signal_path, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
