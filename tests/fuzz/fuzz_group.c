/*
 * fuzz_group.c - another registry's group assignment (kafka_group.c), as
 * a broker returns any member's bytes.
 *
 * Checks: the answer is one of three; a leader is an http(s) URL with a
 * port and nothing a request line could be split on; no leader says why;
 * a URL that does not fit a small buffer is refused, never cut.
 */
#include "fuzz.h"

#include "kafka_group.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char url[512], small[24], why[256];
    int rc = kafka_group_leader(data, size, url, sizeof(url), why, sizeof(why));

    FUZZ_CHECK(rc == -1 || rc == 0 || rc == 1);
    FUZZ_CHECK(strlen(url) < sizeof(url) && strlen(why) < sizeof(why));
    if (rc != 1) {
        FUZZ_CHECK(url[0] == '\0');
        FUZZ_CHECK(rc == -1 || why[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0);
    for (const char *p = url; *p != '\0'; p++)
        FUZZ_CHECK((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f);
    FUZZ_CHECK(strrchr(url, ':') != NULL && strrchr(url, ':')[1] != '\0');
    int rc2 = kafka_group_leader(data, size, small, sizeof(small), why, sizeof(why));
    FUZZ_CHECK(strlen(url) < sizeof(small) ? rc2 == 1 && strcmp(url, small) == 0
                                           : rc2 == -1 && small[0] == '\0');
    return 0;
}
