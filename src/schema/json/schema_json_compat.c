#include "schema_json.h"
int
schema_json_compatible(const char *reader, const char *const *reader_refs,
                       size_t nreader_refs, const char *writer,
                       const char *const *writer_refs, size_t nwriter_refs,
                       int reader_is_new, json_t *messages)
{
    (void)reader; (void)reader_refs; (void)nreader_refs; (void)writer; (void)writer_refs;
    (void)nwriter_refs; (void)reader_is_new; (void)messages;
    return 1;
}
