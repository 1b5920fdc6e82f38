/*
 * journal_file_format.h - the bytes of a file journal, shared by the
 * backend (journal_file.c) and the operator's commands
 * (journal_file_repair.c).
 *
 * Layout (all integers little-endian):
 *   header:  "SCHEMADJ" u32 format version (1) u32 reserved (0)
 *   record:  u32 key length, u32 value length (0xFFFFFFFF: tombstone),
 *            u32 CRC32C over the 8 length bytes, the key and the value,
 *            then the key and value bytes.
 */
#ifndef SCHEMAD_JOURNAL_FILE_FORMAT_H
#define SCHEMAD_JOURNAL_FILE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

#define JOURNAL_FILE_MAGIC "SCHEMADJ"
#define JOURNAL_FILE_VERSION 1u
#define JOURNAL_FILE_HDR 16u
#define JOURNAL_FILE_REC_HDR 12u
#define JOURNAL_FILE_TOMBSTONE 0xFFFFFFFFu
#define JOURNAL_FILE_MIN_ID_RECORD 64u      /* no record carrying an id is shorter */
#define JOURNAL_FILE_MAX_BUMP (1u << 20)    /* ids skipped over one damaged range, at most */
#define JOURNAL_FILE_MAX_ID 2147483647LL

/* What reading and framing records needs: CRC32C tables and a frame
 * buffer reused for each record (free it with buf_free). */
typedef struct journal_format {
    uint32_t crc[8][256];
    buf_t frame;
} journal_format_t;

/** Fill the CRC32C (Castagnoli) slice-by-8 tables. */
void journal_format_init_crc(journal_format_t *f);

/** A little-endian u32. */
uint32_t journal_format_get32(const unsigned char *p);

/** pwrite all of it, retrying short writes and EINTR.  0 or -1 (errno set). */
int journal_format_write_all(int fd, const char *p, size_t len, uint64_t pos);

/** Make the directory entry of a new file durable; failure only warns. */
void journal_format_sync_dir(const char *dir);

/** The JOURNAL_FILE_HDR bytes of a header. */
void journal_format_header(unsigned char *h);

/**
 * Check the header of the file `fd` (`path`, for messages) of `size` bytes.
 * 1 when it is a journal, 0 when it is empty or holds only a prefix of a
 * header (a crash during creation), -1 (with err) when it is something else.
 */
int journal_format_check_header(int fd, const char *path, uint64_t size, char *err, size_t errlen);

/** Frame one record (`val` NULL: a tombstone) into f->frame. */
void journal_format_frame(journal_format_t *f, const char *key, size_t klen, const char *val,
                          size_t vlen);

/** Length of the intact record at p (of `avail` bytes), or 0 when torn or corrupt. */
size_t journal_format_valid(const journal_format_t *f, const unsigned char *p, uint64_t avail);

/** The first position at or after `from` where an intact record starts, or `size`. */
uint64_t journal_format_resync(const journal_format_t *f, const unsigned char *map, uint64_t size,
                               uint64_t from);

/**
 * Frame into f->frame the record that raises the id floor over the damaged
 * bytes [damaged, damaged+len): above any "id":N they hold, and by as many
 * ids as records they could have held (record.h, RECORD_KEYTYPE_ID_FLOOR).
 */
void journal_format_floor_frame(journal_format_t *f, const unsigned char *damaged, uint64_t len);

#endif
