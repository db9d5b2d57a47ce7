/* fileio — whole-file reads and atomic writes (see fileio.h). */
#include "spotsim/util/fileio.h"

#include "spotsim/util/xalloc.h"

#include <errno.h>
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

int fileio_read(const char *path, char **out, size_t *len)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	int err = 0;

	*out = NULL;
	*len = 0;
	if (!f)
		return errno;
	if (fstat(fileno(f), &st) != 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	if (err) {
		fclose(f);
		return err;
	}
	size_t size = (size_t)st.st_size, got = 0;
	char *buf = xmalloc(size + 1);
	while (got < size) {
		size_t n = fread(buf + got, 1, size - got, f);
		if (!n)
			break;
		got += n;
	}
	if (ferror(f) || got != size)
		err = EIO;
	fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	buf[size] = '\0';
	*out = buf;
	*len = size;
	return 0;
}

bool fileio_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
