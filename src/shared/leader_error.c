/*
 * leader_error.c - Confluent's answers to a write that could not be
 * forwarded to the leader, by resource (SubjectVersionsResource,
 * ConfigResource, ModeResource, SubjectsResource, AssociationsResource).
 */
#include "leader_error.h"

#include <stdio.h>

/* What a resource names the request in its forwarding error. */
static const char *
leader_error__what(const route_t *r)
{
    int del = r->method == ROUTE_M_DELETE;
    switch (r->id) {
    case ROUTE_VERSION:
        return del ? "delete schema version" : NULL;
    case ROUTE_CONFIG:
    case ROUTE_CONFIG_SUBJECT:
        return del ? "delete config" : "update config";
    case ROUTE_MODE:
    case ROUTE_MODE_SUBJECT:
        return del ? "delete mode" : "update mode";
    default:
        return "register schema";
    }
}

/* The unknown-leader message: config and mode name their operation. */
static const char *
leader_error__unknown(const route_t *r)
{
    int del = r->method == ROUTE_M_DELETE;
    switch (r->id) {
    case ROUTE_CONFIG:
    case ROUTE_CONFIG_SUBJECT:
        return del ? "Failed to delete compatibility level" : "Failed to update compatibility level";
    case ROUTE_MODE:
    case ROUTE_MODE_SUBJECT:
        return del ? "Failed to delete mode" : "Failed to update mode";
    default:
        return "Leader not known.";
    }
}

int
leader_error(const route_t *r, int unknown, char *msg, size_t cap)
{
    if (r->id == ROUTE_SUBJECT && r->method == ROUTE_M_DELETE) {
        /* SubjectsResource catches neither: its generic store error. */
        snprintf(msg, cap, "Error while deleting the subject %s", r->subject ? r->subject : "");
        return 50001;
    }
    if (unknown) {
        snprintf(msg, cap, "%s", leader_error__unknown(r));
        return LEADER_ERROR_UNKNOWN;
    }
    const char *what = leader_error__what(r);
    snprintf(msg, cap, "Error while forwarding %s request to the leader",
             what ? what : "register schema");
    return LEADER_ERROR_FORWARD;
}

int
leader_error_of(const char *method, size_t method_len, const char *path, size_t path_len,
                int unknown, char *msg, size_t cap)
{
    route_t r;
    route_parse(method, method_len, path, path_len, &r);
    int code = leader_error(&r, unknown, msg, cap);
    route_free(&r);
    return code;
}
