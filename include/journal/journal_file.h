/*
 * journal_file.h - the operator's commands on a file journal (the backend
 * itself is journal_file_ops in journal.h): verify it, and salvage every
 * intact record of a damaged one.
 */
#ifndef SCHEMAD_JOURNAL_FILE_H
#define SCHEMAD_JOURNAL_FILE_H

#include <stdio.h>

/** The journal's file name inside data.dir. */
#define JOURNAL_FILE_NAME "schemas.journal"

enum { JOURNAL_FILE_CLEAN = 0, JOURNAL_FILE_DAMAGED = 1, JOURNAL_FILE_UNREADABLE = 2 };

/**
 * Read the journal at `path` (read-only, no lock) and print to `out` each
 * damaged range with its byte offsets, then the count of intact records.
 * Returns JOURNAL_FILE_CLEAN, JOURNAL_FILE_DAMAGED (a torn tail included),
 * or JOURNAL_FILE_UNREADABLE with the reason in err[errlen].
 */
int journal_file_verify(const char *path, FILE *out, char *err, size_t errlen);

/**
 * Rewrite a damaged journal with every intact record, before and after the
 * damage, in order, and in place of each damaged range a record raising the
 * id floor so that no id the range may have held is given again.  The
 * original is kept as <path>.damaged-<UTC time>; the new file replaces it
 * by rename.  Takes the journal's lock (refuses while schemad runs).
 * Prints what it did to `out`.  Returns JOURNAL_FILE_CLEAN (nothing to
 * do), JOURNAL_FILE_DAMAGED (salvaged), or JOURNAL_FILE_UNREADABLE with
 * the reason in err[errlen] (nothing changed).
 */
int journal_file_salvage(const char *path, FILE *out, char *err, size_t errlen);

#endif
