/* fileio — whole-file reads and atomic writes (see fileio.h). */
#include "spotsim/util/fileio.h"

#include "spotsim/util/error.h"
#include "spotsim/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ".NAME.part.PID" in the folder of `final`. */
static char *temp_name(const char *final)
{
	const char *slash = strrchr(final, '/');
	if (!slash)
		return xasprintf(".%s.part.%ld", final, (long)getpid());
	return xasprintf("%.*s/.%s.part.%ld", (int)(slash - final), final, slash + 1,
			 (long)getpid());
}

int fileio_atomic_open(struct fileio_atomic *a, const char *final)
{
	a->final = xstrdup(final);
	a->tmp = temp_name(final);
	a->f = fopen(a->tmp, "wb");
	if (a->f)
		return 0;
	int err = errno;
	free(a->tmp);
	free(a->final);
	memset(a, 0, sizeof(*a));
	return err;
}

int fileio_atomic_close(struct fileio_atomic *a)
{
	int err = 0;
	if (!a->f)
		return 0;
	if (ferror(a->f))
		err = EIO;
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
