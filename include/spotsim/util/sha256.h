#ifndef SPOTSIM_SHA256_H
#define SPOTSIM_SHA256_H
/*
 * sha256 — the SHA-256 digest (FIPS 180-4), for fingerprints of inputs: the
 * scenario digest that tells whether run shards belong together.
 *
 *     struct sha256 h;
 *     sha256_init(&h);
 *     sha256_update(&h, data, len);     (as often as needed)
 *     sha256_hex(&h, hex);              64 lowercase hex digits + NUL
 *
 * State lives in caller storage; nothing is allocated. After sha256_hex the
 * state is spent: call sha256_init before reusing it.
 */
#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_SIZE 65 /* 64 digits and the NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;	       /* message length so far */
	unsigned char buf[64]; /* a partial block */
	size_t fill;	       /* bytes used in buf */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Finishes the digest into `out` (32 bytes). */
void sha256_final(struct sha256 *s, unsigned char out[32]);
/* Finishes the digest as lowercase hex into `hex`. */
void sha256_hex(struct sha256 *s, char hex[SHA256_HEX_SIZE]);

#endif
