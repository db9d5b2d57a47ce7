/* error — messages for the return-code table (see error.h). */
#include "spotsim/util/error.h"

const char *spotsim_strerror(int code)
{
	switch (code) {
	case SPOTSIM_OK:
		return "success";
#define X(name, c, msg)                                                                            \
	case SPOTSIM_##name:                                                                       \
		return msg;
		SPOTSIM_ERRNO_MAP(X)
#undef X
	}
	return "unknown error";
}

const char *spotsim_err_name(int code)
{
	switch (code) {
	case SPOTSIM_OK:
		return "OK";
#define X(name, c, msg)                                                                            \
	case SPOTSIM_##name:                                                                       \
		return #name;
		SPOTSIM_ERRNO_MAP(X)
#undef X
	}
	return "UNKNOWN";
}
