/* test_kafka_group.c - another registry's leader, from its group assignment. */
#include "kafka_group.h"

#include <stdio.h>
#include <string.h>

#include "tally.h"

/* Expect rc and, with a leader, its URL; without one, a reason. */
static void
expect(tally_t *t, const char *assignment, int rc, const char *url, const char *what)
{
    char u[512], why[256];
    int got = kafka_group_leader(assignment, strlen(assignment), u, sizeof(u), why, sizeof(why));
    check(t, got == rc, what);
    if (got != rc)
        printf("  rc %d, url \"%s\", why \"%s\"\n", got, u, why);
    if (rc == 1)
        check(t, strcmp(u, url) == 0, what);
    else
        check(t, u[0] == '\0', what);
    if (rc == 0)
        check(t, why[0] != '\0', what);
}

int
main(void)
{
    tally_t t = {0};
    char u[16], why[64];

    /* Confluent's SchemaRegistryProtocol.Assignment, as Jackson writes it. */
    expect(&t, "{\"version\":1,\"error\":0,\"master\":\"sr-1-0f\",\"master_identity\":"
           "{\"version\":1,\"host\":\"sr1.example\",\"port\":8081,\"master_eligibility\":true,"
           "\"scheme\":\"http\"}}", 1, "http://sr1.example:8081", "Confluent's assignment");
    /* 8.x adds "leader" to the identity; https listeners. */
    expect(&t, "{\"version\":1,\"error\":0,\"master\":\"m\",\"master_identity\":{\"version\":1,"
           "\"host\":\"10.0.0.7\",\"port\":8443,\"master_eligibility\":true,\"scheme\":\"https\","
           "\"leader\":true}}", 1, "https://10.0.0.7:8443", "8.x identity, https");
    /* The scheme's default (SchemaRegistryIdentity: defaultValue HTTP). */
    expect(&t, "{\"error\":0,\"master\":\"m\",\"master_identity\":{\"host\":\"h\",\"port\":1}}",
           1, "http://h:1", "no scheme: http");
    /* Karapace's: compact, no version, its own key order. */
    expect(&t, "{\"master\":\"k-1\",\"master_identity\":{\"version\":2,\"host\":\"karapace\","
           "\"port\":8081,\"scheme\":\"http\",\"master_eligibility\":true},\"error\":0}", 1,
           "http://karapace:8081", "Karapace's assignment");
    /* No leader: no eligible member (Jackson's NON_EMPTY leaves both out). */
    expect(&t, "{\"version\":1,\"error\":0}", 0, NULL, "no eligible member");
    expect(&t, "{\"error\":0,\"master\":null,\"master_identity\":null}", 0, NULL,
           "null leader");
    /* DUPLICATE_URLS: Confluent's members throw and have no leader. */
    expect(&t, "{\"version\":1,\"error\":1,\"master\":\"m\",\"master_identity\":{\"host\":\"h\","
           "\"port\":8081}}", 0, NULL, "duplicate URLs");
    /* Karapace's fallback to an ineligible member: it does not lead. */
    expect(&t, "{\"master\":\"k\",\"master_identity\":{\"host\":\"h\",\"port\":8081,"
           "\"master_eligibility\":false},\"error\":0}", 0, NULL, "ineligible leader");
    /* Not an assignment, or one naming no URL. */
    expect(&t, "", -1, NULL, "empty");
    expect(&t, "[]", -1, NULL, "an array");
    expect(&t, "{\"error\":\"0\"}", -1, NULL, "error as a string");
    expect(&t, "{\"error\":0,\"master_identity\":[]}", -1, NULL, "identity as an array");
    expect(&t, "{\"error\":0,\"master_identity\":{\"host\":\"h\",\"port\":0}}", -1, NULL,
           "port 0");
    expect(&t, "{\"error\":0,\"master_identity\":{\"host\":\"h\",\"port\":65536}}", -1, NULL,
           "port past 65535");
    expect(&t, "{\"error\":0,\"master_identity\":{\"host\":\"h\",\"port\":\"8081\"}}", -1, NULL,
           "port as a string");
    expect(&t, "{\"error\":0,\"master_identity\":{\"host\":\"a/b\",\"port\":1}}", -1, NULL,
           "a path in the host");
    expect(&t, "{\"error\":0,\"master_identity\":{\"host\":\"a b\",\"port\":1}}", -1, NULL,
           "a space in the host");
    expect(&t, "{\"error\":0,\"master_identity\":{\"host\":\"u@h\",\"port\":1}}", -1, NULL,
           "user info in the host");
    expect(&t, "{\"error\":0,\"master_identity\":{\"host\":\"\",\"port\":1}}", -1, NULL,
           "an empty host");
    expect(&t, "{\"error\":0,\"master_identity\":{\"host\":\"h\",\"port\":1,\"scheme\":\"ftp\"}}",
           -1, NULL, "another scheme");
    /* The URL does not fit: refused, never cut. */
    int rc = kafka_group_leader("{\"error\":0,\"master_identity\":{\"host\":\"a-long-host-name\","
                                "\"port\":8081}}", 62, u, sizeof(u), why, sizeof(why));
    check(&t, rc == -1 && u[0] == '\0', "a URL longer than the buffer");
    return tally_report(&t);
}
