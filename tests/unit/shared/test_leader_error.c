/*
 * test_leader_error.c - the answers to a write that could not be
 * forwarded, by route, as Confluent's resources give them
 * (SubjectVersionsResource, ConfigResource, ModeResource, SubjectsResource).
 */
#include "leader_error.h"

#include <string.h>

#include "tally.h"

static void
expect(tally_t *t, const char *method, const char *path, int unknown, int code, const char *msg,
       const char *what)
{
    char got[512];
    int c = leader_error_of(method, strlen(method), path, strlen(path), unknown, got, sizeof(got));
    check(t, c == code && strcmp(got, msg) == 0, what);
    if (c != code || strcmp(got, msg) != 0)
        printf("  got %d \"%s\"\n", c, got);
}

int
main(void)
{
    tally_t t = {0};
    static const char reg[] = "Error while forwarding register schema request to the leader";
    expect(&t, "POST", "/subjects/a/versions", 0, 50003, reg, "register: forwarding failed");
    expect(&t, "POST", "/subjects/a/versions?normalize=true", 1, 50004, "Leader not known.",
           "register: no leader");
    expect(&t, "DELETE", "/subjects/a/versions/1", 0, 50003,
           "Error while forwarding delete schema version request to the leader",
           "delete version: forwarding failed");
    expect(&t, "DELETE", "/subjects/a/versions/1", 1, 50004, "Leader not known.",
           "delete version: no leader");
    expect(&t, "PUT", "/config", 0, 50003,
           "Error while forwarding update config request to the leader", "update config");
    expect(&t, "PUT", "/config/a", 1, 50004, "Failed to update compatibility level",
           "update config: no leader");
    expect(&t, "DELETE", "/config/a", 0, 50003,
           "Error while forwarding delete config request to the leader", "delete config");
    expect(&t, "DELETE", "/config", 1, 50004, "Failed to delete compatibility level",
           "delete config: no leader");
    expect(&t, "PUT", "/mode/a", 0, 50003,
           "Error while forwarding update mode request to the leader", "update mode");
    expect(&t, "PUT", "/mode", 1, 50004, "Failed to update mode", "update mode: no leader");
    expect(&t, "DELETE", "/mode/a", 0, 50003,
           "Error while forwarding delete mode request to the leader", "delete mode");
    expect(&t, "DELETE", "/mode/a", 1, 50004, "Failed to delete mode", "delete mode: no leader");
    /* SubjectsResource catches neither exception: its generic error. */
    expect(&t, "DELETE", "/subjects/a%20b", 0, 50001, "Error while deleting the subject a b",
           "delete subject: the store error, subject decoded");
    expect(&t, "DELETE", "/subjects/a", 1, 50001, "Error while deleting the subject a",
           "delete subject: no leader alike");
    return tally_report(&t);
}
