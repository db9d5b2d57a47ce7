/*
 * fileio — whole-file reads, atomic writes and temporaries (see fileio.h).
 *
 * A temporary's name is ".spotsim-tmp.PID.RANDOM": RANDOM is 60 bits of
 * fileio_random in base 32, so a name cannot be guessed before it is made;
 * creation uses O_EXCL (mkdir for a folder) and, on a name already taken,
 * draws another name rather than removing what is there.
 */
#include "spotsim/util/fileio.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* How many names are tried before giving up on a folder full of them. */
#define TEMP_TRIES 100
/* Characters of RANDOM, and the alphabet (5 bits each). */
#define TEMP_RANDOM_LEN 12
static const char temp_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* The kernel's random bits; the clock mixed with a counter if it has none to give. */
static uint64_t kernel_random(void)
{
	static uint64_t state;
	struct timespec ts;
	uint64_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	clock_gettime(CLOCK_REALTIME, &ts);
	state ^= (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 44);
	return splitmix64(&state);
}

uint64_t (*fileio_random)(void) = kernel_random;

void fileio_temp_name(char name[FILEIO_TEMP_NAME_SIZE])
{
	uint64_t bits = fileio_random();
	char rnd[TEMP_RANDOM_LEN + 1];

	for (int i = 0; i < TEMP_RANDOM_LEN; i++, bits >>= 5)
		rnd[i] = temp_alphabet[bits & 31];
	rnd[TEMP_RANDOM_LEN] = '\0';
	snprintf(name, FILEIO_TEMP_NAME_SIZE, "%s%ld.%s", FILEIO_TEMP_PREFIX, (long)getpid(), rnd);
}

int fileio_temp_create(int dirfd, char name[FILEIO_TEMP_NAME_SIZE])
{
	for (int i = 0; i < TEMP_TRIES; i++) {
		fileio_temp_name(name);
		int fd =
		    openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int fileio_temp_mkdir(int dirfd, char name[FILEIO_TEMP_NAME_SIZE])
{
	for (int i = 0; i < TEMP_TRIES; i++) {
		fileio_temp_name(name);
		if (mkdirat(dirfd, name, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			return errno;
	}
	return EEXIST;
}

bool fileio_temp_parse(const char *name, long *pid)
{
	size_t plen = strlen(FILEIO_TEMP_PREFIX), digits, rest;
	const char *p = name + plen;

	if (strncmp(name, FILEIO_TEMP_PREFIX, plen) != 0)
		return false;
	digits = strspn(p, "0123456789");
	if (digits < 1 || digits > 10 || p[digits] != '.')
		return false;
	rest = strlen(p + digits + 1);
	if (rest < 6 || rest > 32 ||
	    strspn(p + digits + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789") != rest)
		return false;
	if (pid)
		*pid = strtol(p, NULL, 10);
	return true;
}

/* A process that runs and is not this one (EPERM: it runs under another user). */
static bool pid_runs(long pid)
{
	if (pid <= 0 || pid > INT_MAX || pid == (long)getpid())
		return false;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

int fileio_temp_sweep(int dirfd, bool (*keep)(const char *name))
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), removed = 0;
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *e;
	long pid;

	if (!dp) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((e = readdir(dp))) /* names first: removing while reading may skip some */
		if (fileio_temp_parse(e->d_name, &pid) && !pid_runs(pid)) {
			if (n == alloc)
				names = xrealloc(names,
						 (alloc = alloc ? 2 * alloc : 8) * sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	closedir(dp);
	for (size_t i = 0; i < n; i++) {
		if (!(keep && keep(names[i])) && fileio_remove_tree_at(dirfd, names[i]) == 0)
			removed++;
		free(names[i]);
	}
	free(names);
	return removed;
}

/* ---- removing a tree with async-signal-safe calls ---- */

static int remove_entry(int dirfd, const char *name, int depth);

#ifdef SYS_getdents64
struct dirent64_raw {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* One pass over the folder `fd`: *seen entries, *removed of them. */
static int remove_pass(int fd, int depth, int *seen, int *removed)
{
	char buf[2048] __attribute__((aligned(8)));
	long n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return errno;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n;) {
			const struct dirent64_raw *e = (const void *)(buf + off);
			off += e->reclen;
			if (!strcmp(e->name, ".") || !strcmp(e->name, ".."))
				continue;
			(*seen)++;
			*removed += remove_entry(fd, e->name, depth) == 0;
		}
	return n < 0 ? errno : 0;
}
#else
static int remove_pass(int fd, int depth, int *seen, int *removed)
{
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dp = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	struct dirent *e;

	if (!dp)
		return errno;
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			(*seen)++;
			*removed += remove_entry(fd, e->d_name, depth) == 0;
		}
	closedir(dp);
	return 0;
}
#endif

/* Empties the folder `fd`: passes until one sees nothing, or removes nothing. */
static int remove_in(int fd, int depth)
{
	for (;;) {
		int seen = 0, removed = 0, err = remove_pass(fd, depth, &seen, &removed);
		if (err)
			return err;
		if (!seen)
			return 0;
		if (!removed)
			return ENOTEMPTY;
	}
}

static int remove_entry(int dirfd, const char *name, int depth)
{
	int fd, err;

	if (unlinkat(dirfd, name, 0) == 0)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return errno;
	if (depth <= 0)
		return ENOTEMPTY;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	err = remove_in(fd, depth - 1);
	close(fd);
	if (!err && unlinkat(dirfd, name, AT_REMOVEDIR) != 0)
		err = errno;
	return err;
}

int fileio_remove_tree_at(int dirfd, const char *name)
{
	return remove_entry(dirfd, name, 3);
}

/* ---- atomic files ---- */

/* The folder part of `path` ("." for a bare name), owned. */
static char *folder_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int fileio_atomic_open(struct fileio_atomic *a, const char *final)
{
	char *dir = folder_of(final), name[FILEIO_TEMP_NAME_SIZE];
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd, err;

	memset(a, 0, sizeof(*a));
	fd = dfd >= 0 ? fileio_temp_create(dfd, name) : -errno;
	if (dfd >= 0)
		close(dfd);
	if (fd < 0) {
		free(dir);
		return -fd;
	}
	a->tmp = xasprintf("%s/%s", dir, name);
	free(dir);
	if (!(a->f = fdopen(fd, "wb"))) {
		err = errno;
		close(fd);
		unlink(a->tmp);
		free(a->tmp);
		a->tmp = NULL;
		return err;
	}
	a->final = xstrdup(final);
	return 0;
}

int fileio_atomic_close(struct fileio_atomic *a)
{
	int err = 0;
	if (!a->f)
		return 0;
	errno = 0;
	if (fflush(a->f) != 0 || ferror(a->f))
		err = errno ? errno : EIO;
	else if (fsync(fileno(a->f)) != 0 && errno != EINVAL && errno != EROFS)
		err = errno;
	if (fclose(a->f) != 0 && !err)
		err = errno ? errno : EIO;
	a->f = NULL;
	return err;
}

int fileio_atomic_rename(struct fileio_atomic *a)
{
	int err = fileio_atomic_close(a);
	if (err)
		return err;
	if (!a->tmp)
		return 0;
	if (rename(a->tmp, a->final) != 0)
		return errno;
	free(a->tmp);
	a->tmp = NULL;
	return 0;
}

void fileio_atomic_release(struct fileio_atomic *a)
{
	if (a->f)
		fclose(a->f);
	if (a->tmp)
		unlink(a->tmp);
	free(a->tmp);
	free(a->final);
	memset(a, 0, sizeof(*a));
}

int fileio_copy(const char *from, const char *to)
{
	struct fileio_atomic a;
	char buf[65536];
	size_t n;
	FILE *in = fopen(from, "rb");
	int err = in ? fileio_atomic_open(&a, to) : errno;

	if (err) {
		if (in)
			fclose(in);
		return err;
	}
	while (!err && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, a.f) != n)
			err = errno ? errno : EIO;
	if (!err && ferror(in))
		err = EIO;
	fclose(in);
	if (!err)
		err = fileio_atomic_rename(&a);
	fileio_atomic_release(&a);
	return err;
}

/* Opens `path` for reading without blocking; -1 with errno set for anything but a regular file. */
static int open_regular(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int err = fstat(fd, st) != 0	  ? errno
		  : S_ISDIR(st->st_mode)  ? EISDIR
		  : !S_ISREG(st->st_mode) ? EINVAL
					  : 0;
	/* a regular file: back to ordinary blocking reads */
	int flags = err ? 0 : fcntl(fd, F_GETFL);
	if (!err && (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0))
		err = errno;
	if (err) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int fileio_open_regular(const char *path, size_t max_bytes, int *err)
{
	struct stat st;
	int fd = open_regular(path, &st);
	*err = fd < 0 ? errno : 0;
	if (fd >= 0 && (uintmax_t)st.st_size > (uintmax_t)max_bytes) {
		close(fd);
		*err = EFBIG;
		fd = -1;
	}
	return fd;
}

/* "64 MiB", or bytes when the limit is not a whole number of MiB. */
static void format_limit(char *buf, size_t size, size_t max)
{
	if (max >= (1u << 20) && max % (1u << 20) == 0)
		snprintf(buf, size, "%zu MiB", max >> 20);
	else
		snprintf(buf, size, "%zu bytes", max);
}

int fileio_report(struct diag *d, const char *path, int err, size_t max_bytes)
{
	char lim[48];
	format_limit(lim, sizeof(lim), max_bytes);
	if (err == EISDIR)
		diag_error(d, path, NULL, "is a folder (accepted: a regular file of at most %s)",
			   lim);
	else if (err == EINVAL)
		diag_error(d, path, NULL,
			   "is a FIFO, device or socket, not a regular file (accepted: a regular "
			   "file of at most %s)",
			   lim);
	else if (err == EFBIG)
		diag_error(
		    d, path, NULL,
		    "is larger than the limit of %s (accepted: a regular file of at most %s)", lim,
		    lim);
	else
		diag_error(d, path, NULL, "cannot open file: %s (accepted: a readable file)",
			   diag_strerror(err));
	return err == ENOENT ? SPOTSIM_ENOENT : SPOTSIM_EIO;
}

int fileio_read_input(const char *path, size_t max_bytes, char **out, size_t *len, struct diag *d)
{
	int err = fileio_read_capped(path, max_bytes, out, len);
	return err ? fileio_report(d, path, err, max_bytes) : 0;
}

/*
 * Reads `fd` to its end into *buf (grown as needed, from `hint` bytes), but
 * no more than max + 1 bytes; the count, or -1 with errno set.
 */
static ssize_t read_all(int fd, char **buf, size_t hint, size_t max)
{
	size_t got = 0, alloc = hint < max ? hint + 1 : max + 1;
	*buf = xmalloc(alloc + 1);
	while (got <= max) {
		if (got == alloc) {
			alloc = alloc <= (max + 1) / 2 ? alloc * 2 : max + 1;
			*buf = xrealloc(*buf, alloc + 1);
		}
		ssize_t n = read(fd, *buf + got, alloc - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int fileio_read_capped(const char *path, size_t max_bytes, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	*out = NULL;
	*len = 0;
	int fd = open_regular(path, &st);
	if (fd < 0)
		return errno;
	if ((uintmax_t)st.st_size > (uintmax_t)max_bytes) {
		close(fd);
		return EFBIG;
	}
	ssize_t got = read_all(fd, &buf, (size_t)st.st_size, max_bytes);
	int err = got < 0 ? errno : (size_t)got > max_bytes ? EFBIG : 0;
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[got] = '\0';
	*out = buf;
	*len = (size_t)got;
	return 0;
}

int fileio_read(const char *path, char **out, size_t *len)
{
	return fileio_read_capped(path, SIZE_MAX - 2, out, len);
}

bool fileio_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
