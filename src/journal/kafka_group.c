/*
 * kafka_group.c - the registry group when Confluent Schema Registry or
 * Karapace holds it: their leader, read from the members' assignments.
 */
#include "kafka_group.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "mem.h"

/* The protocol type Confluent's SchemaRegistryCoordinator and Karapace's
 * SchemaCoordinator join with. */
#define KAFKA_GROUP_SR "sr"
/* An assignment is a few hundred bytes; more is not one. */
#define KAFKA_GROUP_MAX_ASSIGNMENT 65536

/* A host as a URL may carry it: no separators, no spaces, no controls. */
static int
kafka_group__host_ok(const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)h[i];
        if (c <= 0x20 || c >= 0x7f || strchr("/?#@\\", c) != NULL)
            return 0;
    }
    return 1;
}

/* The identity's URL, as SchemaRegistryIdentity.getUrl() spells it. */
static int
kafka_group__url(json_t *ident, char *url, size_t urlsize, char *why, size_t whysize)
{
    json_t *host = json_object_get(ident, "host");
    json_t *port = json_object_get(ident, "port");
    json_t *scheme = json_object_get(ident, "scheme");
    const char *s = json_is_string(scheme) ? json_string_value(scheme) : "http";

    if (!json_is_string(host) || !kafka_group__host_ok(json_string_value(host)) ||
        !json_is_integer(port) || json_integer_value(port) < 1 ||
        json_integer_value(port) > 65535 || (strcmp(s, "http") != 0 && strcmp(s, "https") != 0)) {
        snprintf(why, whysize, "their leader's identity is no URL");
        return -1;
    }
    json_t *eligible = json_object_get(ident, "master_eligibility");
    if (json_is_false(eligible)) {
        /* Karapace falls back to an ineligible member, which then does not lead. */
        snprintf(why, whysize, "no member eligible for leader joined their group");
        return 0;
    }
    int n = snprintf(url, urlsize, "%s://%s:%lld", s, json_string_value(host),
                     (long long)json_integer_value(port));
    if (n < 0 || (size_t)n >= urlsize) {
        url[0] = '\0';
        snprintf(why, whysize, "their leader's URL is too long");
        return -1;
    }
    return 1;
}

int
kafka_group_leader(const void *assignment, size_t len, char *url, size_t urlsize, char *why,
                   size_t whysize)
{
    json_error_t je;
    int rc;

    url[0] = '\0';
    why[0] = '\0';
    if (assignment == NULL || len == 0 || len > KAFKA_GROUP_MAX_ASSIGNMENT)
        return -1;
    json_t *a = json_loadb(assignment, len, 0, &je);
    if (!json_is_object(a)) {
        json_decref(a);
        return -1;
    }
    json_t *error = json_object_get(a, "error");
    json_t *ident = json_object_get(a, "master_identity");
    if (error != NULL && !json_is_integer(error)) {
        rc = -1;
    } else if (json_integer_value(error) != 0) {
        /* SchemaRegistryProtocol.Assignment.DUPLICATE_URLS, or newer. */
        snprintf(why, whysize, "their group has no leader (assignment error %lld: members "
                 "advertise the same URL)", (long long)json_integer_value(error));
        rc = 0;
    } else if (ident == NULL || json_is_null(ident)) {
        snprintf(why, whysize, "no member eligible for leader joined their group");
        rc = 0;
    } else if (!json_is_object(ident)) {
        rc = -1;
    } else {
        rc = kafka_group__url(ident, url, urlsize, why, whysize);
    }
    json_decref(a);
    return rc;
}

/* The view of one described group. */
static void
kafka_group__view(const struct rd_kafka_group_info *gi, kafka_group_view_t *out)
{
    char why[256];
    if (gi->protocol_type == NULL || strcmp(gi->protocol_type, KAFKA_GROUP_SR) != 0 ||
        gi->member_cnt <= 0) {
        out->state = KAFKA_GROUP_OURS;
        return;
    }
    out->state = KAFKA_GROUP_FOREIGN;
    snprintf(out->why, sizeof(out->why), "their group is rebalancing");
    for (int i = 0; i < gi->member_cnt; i++) {
        const struct rd_kafka_group_member_info *m = &gi->members[i];
        int rc = kafka_group_leader(m->member_assignment, (size_t)m->member_assignment_size,
                                    out->leader, sizeof(out->leader), why, sizeof(why));
        if (rc == 1)
            return;
        if (rc == 0 || why[0] != '\0')
            snprintf(out->why, sizeof(out->why), "%s", why);
    }
}

void
kafka_group_describe(rd_kafka_t *rk, const char *group, int timeout_ms, kafka_group_view_t *out)
{
    const struct rd_kafka_group_list *gl = NULL;

    memset(out, 0, sizeof(*out));
    out->state = KAFKA_GROUP_UNKNOWN;
    if (rd_kafka_list_groups(rk, group, &gl, timeout_ms) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return;
    for (int i = 0; i < gl->group_cnt; i++) {
        const struct rd_kafka_group_info *gi = &gl->groups[i];
        if (strcmp(gi->group, group) != 0 || gi->err != RD_KAFKA_RESP_ERR_NO_ERROR)
            continue;
        kafka_group__view(gi, out);
        break;
    }
    /* A group the coordinator does not know is one nobody holds. */
    if (out->state == KAFKA_GROUP_UNKNOWN && gl->group_cnt == 0)
        out->state = KAFKA_GROUP_OURS;
    rd_kafka_group_list_destroy(gl);
}

/* --- the watching thread --- */

struct kafka_group_watch {
    rd_kafka_t *rk;             /* borrowed */
    char *group;                /* owned */
    int interval_ms;
    pthread_t thread;
    pthread_mutex_t mu;         /* guards everything below */
    pthread_cond_t cv;
    int stopping;
    int want;
    kafka_group_view_t view;
};

/* Sleep up to ms, or until stopped or wanted again; under w->mu. */
static void
kafka_group__nap(kafka_group_watch_t *w, int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&w->cv, &w->mu, &ts);
}

static void *
kafka_group__run(void *arg)
{
    kafka_group_watch_t *w = arg;
    kafka_group_view_t v;

    pthread_mutex_lock(&w->mu);
    while (!w->stopping) {
        if (!w->want) {
            kafka_group__nap(w, w->interval_ms);
            continue;
        }
        pthread_mutex_unlock(&w->mu);
        kafka_group_describe(w->rk, w->group, w->interval_ms, &v);
        pthread_mutex_lock(&w->mu);
        if (v.state != KAFKA_GROUP_UNKNOWN)
            w->view = v;    /* no answer: the last one stands */
        if (!w->stopping)
            kafka_group__nap(w, w->interval_ms);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

kafka_group_watch_t *
kafka_group_watch_start(rd_kafka_t *rk, const char *group, int interval_ms)
{
    pthread_condattr_t ca;
    kafka_group_watch_t *w = mem_calloc(1, sizeof(*w));

    w->rk = rk;
    w->group = mem_strdup(group);
    w->interval_ms = interval_ms > 0 ? interval_ms : 1000;
    w->want = 1;
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->thread, NULL, kafka_group__run, w) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        free(w->group);
        free(w);
        return NULL;
    }
    return w;
}

void
kafka_group_watch_want(kafka_group_watch_t *w, int want)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->mu);
    if (want && !w->want)
        pthread_cond_signal(&w->cv);
    w->want = want;
    pthread_mutex_unlock(&w->mu);
}

void
kafka_group_watch_get(kafka_group_watch_t *w, kafka_group_view_t *out)
{
    if (w == NULL) {
        memset(out, 0, sizeof(*out));
        out->state = KAFKA_GROUP_UNKNOWN;
        return;
    }
    pthread_mutex_lock(&w->mu);
    *out = w->view;
    pthread_mutex_unlock(&w->mu);
}

void
kafka_group_watch_set(kafka_group_watch_t *w, const kafka_group_view_t *v)
{
    if (w == NULL || v->state == KAFKA_GROUP_UNKNOWN)
        return;
    pthread_mutex_lock(&w->mu);
    w->view = *v;
    pthread_mutex_unlock(&w->mu);
}

void
kafka_group_watch_stop(kafka_group_watch_t *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w->group);
    free(w);
}
