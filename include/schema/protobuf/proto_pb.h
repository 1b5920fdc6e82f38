/*
 * proto_pb.h - the one door to Google's .proto parser (libprotoc 3.21):
 * text in, a serialized FileDescriptorProto out.  Everything past this
 * door (the model, Confluent's printer, its diff) is C and reads the
 * descriptor bytes, the same bytes a client's serialized schema carries.
 */
#ifndef SCHEMAD_PROTO_PB_H
#define SCHEMAD_PROTO_PB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Parse `text` (len bytes) as one .proto file.  0 with *out (malloc'd,
 * the caller frees) the FileDescriptorProto's bytes and *out_len set,
 * without source info and with options left uninterpreted, as the parser
 * read them; *lines (malloc'd, the caller frees) gets 2 * *nlines ints:
 * the 1-based line and column of each top-level message and enum, in the
 * descriptor's order (messages, then enums).  -1 with *err (malloc'd,
 * the caller frees) "Syntax error in :LINE:COL: MESSAGE" (1-based).
 * Never throws; the parser's log output is silenced.
 */
int proto_pb_parse(const char *text, size_t len, unsigned char **out, size_t *out_len,
                   int **lines, size_t *nlines, char **err);

#ifdef __cplusplus
}
#endif

#endif
