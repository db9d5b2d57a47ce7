/*
 * outdir — an output folder written through a private staging folder and
 * committed at once (see outdir.h for the guarantees, the layout and the
 * commit's steps).
 *
 * Representation: the folder's descriptor (dfd) and the staging folder's
 * (sfd); the claims in the order they were made, each with its commit
 * state; a slot in the signal table (temps[]) holding dfd and the staging
 * folder's name.
 * Invariants:
 *  - a claim is `staged` exactly when S/NAME holds its complete new file;
 *  - every path the module opens or renames is resolved from dfd, sfd or
 *    a descriptor of a subfolder opened with O_NOFOLLOW: no name inside
 *    the folder is ever looked up through a symbolic link;
 *  - during a commit, `done` marks the claims whose change is applied;
 *    after a failed commit's undo, the claims still `done` are the mixed
 *    ones.
 */
#include "spotsim/output/outdir.h"

#include "spotsim/util/error.h"
#include "spotsim/util/fileio.h"
#include "spotsim/util/strbuf.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Room below OUTDIR_PATH_MAX for "/.spotsim-tmp.PID.RANDOM/plots/NAME". */
#define NAMES_ROOM 128
/* Subfolders a commit can hold files in ("plots"). */
#define MAX_SUBDIRS 4

int (*outdir_renameat)(int, const char *, int, const char *) = renameat;
int (*outdir_linkat)(int, const char *, int, const char *, int) = linkat;

struct claim {
	char *name; /* owned: "summary.csv", "plots/tasks.png" */
	bool staged;
	bool had_old; /* commit: the final name existed */
	bool linked;  /* commit: S/.old/INDEX links the previous file */
	bool done;    /* commit: this claim's change is applied */
};

struct outdir {
	char *dir;     /* owned: as given, without trailing slashes */
	char *staging; /* owned: DIR/SNAME */
	char sname[FILEIO_TEMP_NAME_SIZE];
	char *scratch; /* owned: S/.scratch once made */
	int dfd, sfd, slot;
	unsigned nparts, open_files;
	struct claim *c;
	size_t n, alloc;
	bool committed, aborted, mixed;
};

/* ---- the signal table ---- */

static struct {
	volatile sig_atomic_t used, gone;
	int dfd;
	char name[FILEIO_TEMP_NAME_SIZE];
} temps[OUTDIR_MAX_OPEN];

/* A free slot of the table, or -1; it is in use once its `used` is set. */
static int slot_find(void)
{
	for (int i = 0; i < OUTDIR_MAX_OPEN; i++)
		if (!temps[i].used)
			return i;
	return -1;
}

void outdir_remove_temps(void)
{
	for (int i = 0; i < OUTDIR_MAX_OPEN; i++)
		if (temps[i].used) {
			fileio_remove_tree_at(temps[i].dfd, temps[i].name);
			temps[i].gone = 1;
		}
}

/* For the sweep of leftovers: the staging folders this process has open. */
static bool is_open_here(const char *name)
{
	for (int i = 0; i < OUTDIR_MAX_OPEN; i++)
		if (temps[i].used && !strcmp(temps[i].name, name))
			return true;
	return false;
}

/* ---- opening ---- */

/* mkdir -p: creates `dir` and its missing parents; returns 0 or an errno. */
static int make_folder(const char *dir)
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

static int check_path(const char *dir, struct diag *d)
{
	if (!*dir || strlen(dir) + NAMES_ROOM >= OUTDIR_PATH_MAX) {
		diag_error(d, dir, NULL, "%s (accepted: a folder path of 1 to %d bytes)",
			   *dir ? "folder path too long" : "empty folder path",
			   OUTDIR_PATH_MAX - NAMES_ROOM);
		return SPOTSIM_ERANGE;
	}
	return 0;
}

/*
 * The folder, its leftovers swept, and the staging folder, registered for
 * signals once its name is complete (a signal in between leaves it to the
 * next sweep).
 */
static int open_folders(struct outdir *o, const char *given, struct diag *d)
{
	int err = make_folder(o->dir), slot;

	if (err) {
		diag_error(d, given, NULL, "cannot create folder: %s", diag_strerror(err));
		return SPOTSIM_EIO;
	}
	if ((o->dfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		diag_error(d, given, NULL, "cannot write in folder: %s", diag_strerror(errno));
		return SPOTSIM_EIO;
	}
	if ((slot = slot_find()) < 0) {
		diag_error(d, given, NULL, "too many output folders open at once (accepted: %d)",
			   OUTDIR_MAX_OPEN);
		return SPOTSIM_ERANGE;
	}
	fileio_temp_sweep(o->dfd, is_open_here);
	err = fileio_temp_mkdir(o->dfd, o->sname);
	if (!err && (o->sfd = openat(o->dfd, o->sname,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		err = errno;
		unlinkat(o->dfd, o->sname, AT_REMOVEDIR);
	}
	if (err) {
		diag_error(d, given, NULL, "cannot write in folder: %s", diag_strerror(err));
		return SPOTSIM_EIO;
	}
	temps[slot].dfd = o->dfd;
	memcpy(temps[slot].name, o->sname, sizeof(o->sname));
	temps[slot].gone = 0;
	temps[slot].used = 1;
	o->slot = slot;
	o->staging = xasprintf("%s/%s", o->dir, o->sname);
	return 0;
}

int outdir_open(struct outdir **out, const char *dir, struct diag *d)
{
	struct outdir *o;
	size_t n = strlen(dir);
	int rc;

	*out = NULL;
	if ((rc = check_path(dir, d)) != 0)
		return rc;
	o = xcalloc(1, sizeof(*o));
	while (n > 1 && dir[n - 1] == '/')
		n--;
	o->dir = xstrndup(dir, n);
	o->dfd = o->sfd = o->slot = -1;
	if ((rc = open_folders(o, dir, d)) != 0) {
		outdir_free(o);
		return rc;
	}
	*out = o;
	return 0;
}

const char *outdir_path(const struct outdir *o)
{
	return o->dir;
}

const char *outdir_staging(const struct outdir *o)
{
	return o->staging;
}

/* ---- claims and staged files ---- */

static struct claim *claim_find(const struct outdir *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->c[i].name, name))
			return &o->c[i];
	return NULL;
}

static struct claim *claim_get(struct outdir *o, const char *name)
{
	struct claim *c = claim_find(o, name);

	if (c)
		return c;
	if (o->n == o->alloc)
		o->c = xrealloc(o->c, (o->alloc = o->alloc ? 2 * o->alloc : 16) * sizeof(*o->c));
	c = &o->c[o->n++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	return c;
}

/* A name spotsim gives: "NAME" or "FOLDER/NAME", no "." or ".." part, not hidden. */
static bool name_ok(const char *name)
{
	const char *slash = strchr(name, '/');

	if (!*name || *name == '.' || (slash && (slash[1] == '.' || !slash[1])))
		return false;
	return !slash || !strchr(slash + 1, '/');
}

void outdir_claim(struct outdir *o, const char *name)
{
	if (name_ok(name))
		claim_get(o, name);
}

bool outdir_staged(const struct outdir *o, const char *name)
{
	const struct claim *c = claim_find(o, name);
	return c && c->staged;
}

int outdir_file_create(struct outdir *o, const char *name, struct outdir_file *of)
{
	int fd;

	memset(of, 0, sizeof(*of));
	if (o->aborted || o->committed)
		return EBADF;
	if (!name_ok(name))
		return EINVAL;
	snprintf(of->part, sizeof(of->part), ".part.%u", o->nparts++);
	fd = openat(o->sfd, of->part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return errno;
	if (!(of->f = fdopen(fd, "w"))) {
		int err = errno;
		close(fd);
		unlinkat(o->sfd, of->part, 0);
		return err;
	}
	of->name = xstrdup(name);
	claim_get(o, name);
	o->open_files++;
	return 0;
}

char *outdir_file_path(const struct outdir *o, const struct outdir_file *of)
{
	return xasprintf("%s/%s", o->staging, of->part);
}

/* The staging folder's subfolder for `name`, created when missing. */
static int make_parent(const struct outdir *o, const char *name)
{
	const char *slash = strchr(name, '/');
	char *folder;
	int err = 0;

	if (!slash)
		return 0;
	folder = xstrndup(name, (size_t)(slash - name));
	if (mkdirat(o->sfd, folder, 0700) != 0 && errno != EEXIST)
		err = errno;
	free(folder);
	return err;
}

/* fflush, fsync, fclose: 0 or the first errno. */
static int finish_stream(FILE *f)
{
	int err = 0;

	errno = 0;
	if (fflush(f) != 0 || ferror(f))
		err = errno ? errno : EIO;
	else if (fsync(fileno(f)) != 0 && errno != EINVAL && errno != EROFS)
		err = errno;
	if (fclose(f) != 0 && !err)
		err = errno ? errno : EIO;
	return err;
}

int outdir_file_close(struct outdir *o, struct outdir_file *of)
{
	int err;

	if (!of->f)
		return EBADF;
	err = finish_stream(of->f);
	of->f = NULL;
	o->open_files--;
	if (!err && (o->aborted || temps[o->slot].gone))
		err = ENOENT;
	if (!err)
		err = make_parent(o, of->name);
	if (!err && renameat(o->sfd, of->part, o->sfd, of->name) != 0)
		err = errno;
	if (err)
		unlinkat(o->sfd, of->part, 0);
	else
		claim_get(o, of->name)->staged = true;
	free(of->name);
	of->name = NULL;
	return err;
}

void outdir_file_discard(struct outdir *o, struct outdir_file *of)
{
	if (!of->f)
		return;
	fclose(of->f);
	of->f = NULL;
	o->open_files--;
	unlinkat(o->sfd, of->part, 0);
	free(of->name);
	of->name = NULL;
}

int outdir_copy(struct outdir *o, const char *name, const char *from)
{
	struct outdir_file of;
	char buf[65536];
	size_t n;
	FILE *in = fopen(from, "rb");
	int err = in ? outdir_file_create(o, name, &of) : errno;

	if (err) {
		if (in)
			fclose(in);
		return err;
	}
	while (!err && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, of.f) != n)
			err = errno ? errno : EIO;
	if (!err && ferror(in))
		err = EIO;
	fclose(in);
	if (err) {
		outdir_file_discard(o, &of);
		return err;
	}
	return outdir_file_close(o, &of);
}

void outdir_drop(struct outdir *o, const char *name)
{
	struct claim *c = claim_find(o, name);

	if (c && c->staged) {
		unlinkat(o->sfd, name, 0);
		c->staged = false;
	}
}

const char *outdir_scratch(struct outdir *o, int *err)
{
	*err = 0;
	if (o->scratch)
		return o->scratch;
	if (o->aborted || o->committed) {
		*err = EBADF;
		return NULL;
	}
	if (mkdirat(o->sfd, ".scratch", 0700) != 0) {
		*err = errno;
		return NULL;
	}
	o->scratch = xasprintf("%s/.scratch", o->staging);
	return o->scratch;
}

/* ---- the end ---- */

bool outdir_mixed(const struct outdir *o)
{
	return o->mixed;
}

void outdir_abort(struct outdir *o)
{
	if (!o || o->aborted || o->slot < 0)
		return;
	o->aborted = true;
	temps[o->slot].used = 0;
	fileio_remove_tree_at(o->dfd, o->sname);
	close(o->sfd);
	o->sfd = -1;
}

void outdir_free(struct outdir *o)
{
	if (!o)
		return;
	outdir_abort(o);
	if (o->dfd >= 0)
		close(o->dfd);
	for (size_t i = 0; i < o->n; i++)
		free(o->c[i].name);
	free(o->c);
	free(o->scratch);
	free(o->staging);
	free(o->dir);
	free(o);
}

/* ---- the commit ---- */

struct commit {
	struct outdir *o;
	struct diag *d;
	int ofd; /* S/.old */
	struct {
		char name[64];
		int fd;	     /* -1: absent */
		bool made;   /* created by this commit */
		bool staged; /* a file of this commit goes there */
	} sub[MAX_SUBDIRS];
	int nsub;
};

/* The index in k->sub of the subfolder of `name` (added when new), -1 for none or no room. */
static int sub_index(struct commit *k, const char *name)
{
	const char *slash = strchr(name, '/');
	size_t len = slash ? (size_t)(slash - name) : 0;
	int i;

	if (!slash)
		return -1;
	for (i = 0; i < k->nsub; i++)
		if (strlen(k->sub[i].name) == len && !strncmp(k->sub[i].name, name, len))
			return i;
	if (k->nsub == MAX_SUBDIRS || len >= sizeof(k->sub[0].name))
		return -1;
	memcpy(k->sub[i].name, name, len);
	k->sub[i].name[len] = '\0';
	k->sub[i].fd = -1;
	k->sub[i].made = k->sub[i].staged = false;
	return k->nsub++;
}

/*
 * The final folder that holds claim `c` and its name there (*base): the
 * output folder, or a subfolder opened with O_NOFOLLOW, created when
 * `create`. Returns the descriptor, or -1 when the subfolder is absent
 * (with *err = 0) or cannot be used (*err set; ENOTDIR for a symbolic link).
 */
static int final_folder(struct commit *k, const struct claim *c, bool create, const char **base,
			int *err)
{
	const char *slash = strchr(c->name, '/');
	int i = sub_index(k, c->name);

	*err = 0;
	*base = slash ? slash + 1 : c->name;
	if (!slash)
		return k->o->dfd;
	if (i < 0) {
		*err = ENAMETOOLONG;
		return -1;
	}
	if (k->sub[i].fd < 0 && create) {
		if (mkdirat(k->o->dfd, k->sub[i].name, 0777) == 0)
			k->sub[i].made = true;
		else if (errno != EEXIST)
			*err = errno;
	}
	if (k->sub[i].fd < 0 && !*err)
		k->sub[i].fd = openat(k->o->dfd, k->sub[i].name,
				      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (k->sub[i].fd < 0 && !*err && (create || errno != ENOENT))
		*err = errno == ELOOP ? ENOTDIR : errno;
	k->sub[i].staged |= c->staged;
	return k->sub[i].fd;
}

/* "DIR/NAME: what: strerror(err)", without the last part when err is 0. */
static void error_at(struct commit *k, const char *name, const char *what, int err)
{
	char *path = xasprintf("%s/%s", k->o->dir, name);
	diag_error(k->d, path, NULL, "%s%s%s", what, err ? ": " : "",
		   err ? diag_strerror(err) : "");
	free(path);
}

/* Which final names exist, before anything changes; a staged file's place must be usable. */
static int prepare(struct commit *k)
{
	for (size_t i = 0; i < k->o->n; i++) {
		struct claim *c = &k->o->c[i];
		const char *base;
		struct stat st;
		int err, fd = final_folder(k, c, c->staged, &base, &err);

		c->had_old = c->linked = c->done = false;
		if (fd < 0 && err && (c->staged || err != ENOTDIR)) {
			char *folder = xstrndup(c->name, (size_t)(base - 1 - c->name));
			if (err == ENOTDIR)
				error_at(k, folder,
					 "cannot write: not a folder (a symbolic link or a file is "
					 "in the way)",
					 0);
			else
				error_at(k, folder, "cannot create folder", err);
			free(folder);
			return SPOTSIM_EIO;
		}
		if (fd < 0 || fstatat(fd, base, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && c->staged) {
			error_at(k, c->name, "cannot rename the finished file", EISDIR);
			return SPOTSIM_EIO;
		}
		c->had_old = !S_ISDIR(st.st_mode);
	}
	return 0;
}

/* S/.old and a link there to every previous file a staged one replaces. */
static int link_old(struct commit *k)
{
	char idx[24];
	int err;

	if (mkdirat(k->o->sfd, ".old", 0700) != 0 ||
	    (k->ofd = openat(k->o->sfd, ".old", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) <
		0) {
		error_at(k, k->o->sname, "cannot write", errno);
		return SPOTSIM_EIO;
	}
	for (size_t i = 0; i < k->o->n; i++) {
		struct claim *c = &k->o->c[i];
		const char *base;
		int fd = final_folder(k, c, false, &base, &err);
		snprintf(idx, sizeof(idx), "%zu", i);
		/* without hard links (some file systems) this claim cannot be put back */
		c->linked = c->had_old && c->staged && outdir_linkat(fd, base, k->ofd, idx, 0) == 0;
	}
	return 0;
}

/* Undoes claim `c` (index i); true when its previous state is back. */
static bool undo_one(struct commit *k, struct claim *c, size_t i)
{
	const char *base;
	char idx[24];
	int err, fd = final_folder(k, c, false, &base, &err);

	snprintf(idx, sizeof(idx), "%zu", i);
	if (c->staged && !c->had_old)
		return unlinkat(fd, base, 0) == 0;
	if (c->staged && !c->linked)
		return false;
	return outdir_renameat(k->ofd, idx, fd, base) == 0;
}

static void add_to(struct strbuf *sb, const char *name)
{
	strbuf_addf(sb, "%s%s", sb->len ? ", " : "", name);
}

/* After an undo that could not put everything back: which names hold what. */
static void report_mixed(struct commit *k)
{
	static const char *const label[] = {"new", "previous", "removed", "missing"};
	struct strbuf sb[4] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT},
		      all = STRBUF_INIT;

	for (size_t i = 0; i < k->o->n; i++) {
		const struct claim *c = &k->o->c[i];
		int g = c->done ? (c->staged ? 0 : 2) : c->had_old ? 1 : c->staged ? 3 : -1;
		if (g >= 0)
			add_to(&sb[g], c->name);
	}
	for (int g = 0; g < 4; g++) {
		if (sb[g].len)
			strbuf_addf(&all, "%s%s: %s", all.len ? "; " : "", label[g], sb[g].buf);
		strbuf_release(&sb[g]);
	}
	diag_error(k->d, k->o->dir, NULL,
		   "the commit stopped half-way and the folder now mixes two runs (%s); run "
		   "again",
		   all.buf);
	strbuf_release(&all);
	k->o->mixed = true;
}

/* Undoes claims i-1 down to 0; reports the names it could not put back. */
static void undo(struct commit *k, size_t i)
{
	bool mixed = false;

	while (i-- > 0) {
		struct claim *c = &k->o->c[i];
		if (c->done && undo_one(k, c, i))
			c->done = false;
		mixed |= c->done;
	}
	if (mixed)
		report_mixed(k);
}

static int apply(struct commit *k)
{
	char idx[24];

	for (size_t i = 0; i < k->o->n; i++) {
		struct claim *c = &k->o->c[i];
		const char *base;
		int err, fd = final_folder(k, c, false, &base, &err), rc = 0;

		snprintf(idx, sizeof(idx), "%zu", i);
		if (c->staged)
			rc = outdir_renameat(k->o->sfd, c->name, fd, base);
		else if (c->had_old)
			rc = outdir_renameat(fd, base, k->ofd, idx);
		else
			continue;
		if (rc != 0) {
			error_at(k, c->name,
				 c->staged ? "cannot rename the finished file"
					   : "cannot remove the previous file",
				 errno);
			undo(k, i);
			return SPOTSIM_EIO;
		}
		c->done = true;
	}
	return 0;
}

/* Syncs the folders; removes a subfolder left empty by this commit, or made for nothing. */
static void settle(struct commit *k, bool ok)
{
	for (int s = 0; s < k->nsub; s++) {
		if (ok && k->sub[s].fd >= 0)
			fsync(k->sub[s].fd);
		if ((ok && !k->sub[s].staged) || (!ok && k->sub[s].made))
			unlinkat(k->o->dfd, k->sub[s].name, AT_REMOVEDIR); /* only when empty */
		if (k->sub[s].fd >= 0)
			close(k->sub[s].fd);
	}
	if (ok)
		fsync(k->o->dfd);
	if (k->ofd >= 0)
		close(k->ofd);
}

int outdir_commit(struct outdir *o, struct diag *d)
{
	struct commit k;
	int rc;

	if (o->committed)
		return 0;
	memset(&k, 0, sizeof(k));
	k.o = o;
	k.d = d;
	k.ofd = -1;
	if (o->aborted || temps[o->slot].gone || o->open_files) {
		diag_error(d, o->dir, NULL, "cannot write: %s",
			   o->open_files ? "a file is still being written"
					 : "the new files were removed (the run was stopped)");
		return SPOTSIM_EIO;
	}
	rc = prepare(&k);
	if (!rc)
		rc = link_old(&k);
	if (!rc)
		rc = apply(&k);
	settle(&k, rc == 0);
	if (!rc) {
		o->committed = true;
		outdir_abort(o); /* the staging folder, with the previous versions */
	}
	return rc;
}
