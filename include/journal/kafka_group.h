/*
 * kafka_group.h - the registry group when another registry holds it.
 *
 * Confluent Schema Registry and Karapace elect their leader in a Kafka
 * group of protocol type "sr" (schema.registry.group.id).  A schemad node
 * cannot join that group (the coordinator refuses a second protocol type),
 * so while they hold it schemad never writes; it reads their leader from
 * the members' assignments (DescribeGroups, which librdkafka's
 * rd_kafka_list_groups returns whole) and forwards writes to it.
 */
#ifndef SCHEMAD_KAFKA_GROUP_H
#define SCHEMAD_KAFKA_GROUP_H

#include <stddef.h>
#include <librdkafka/rdkafka.h>

typedef enum {
    KAFKA_GROUP_UNKNOWN,        /* not asked yet, or the cluster did not answer */
    KAFKA_GROUP_OURS,           /* empty, or of schemad's protocol type */
    KAFKA_GROUP_FOREIGN         /* held by members of protocol type "sr" */
} kafka_group_state_t;

/** What a describe learned of the group. */
typedef struct kafka_group_view {
    kafka_group_state_t state;
    char leader[512];           /* FOREIGN: their leader's scheme://host:port, or "" */
    char why[256];              /* FOREIGN without a leader: why, for messages */
} kafka_group_view_t;

/**
 * Their leader's URL from one member's assignment (Confluent's
 * SchemaRegistryProtocol.Assignment JSON: "error", "master",
 * "master_identity" {"host","port","scheme","master_eligibility"}), into
 * url (always NUL-terminated).  Returns 1 with a leader; 0 when the
 * assignment names none (an error such as duplicate URLs, no eligible
 * member), with why set; -1 when the bytes are no such assignment.
 * Bytes from the broker: any input is safe.
 */
int kafka_group_leader(const void *assignment, size_t len, char *url, size_t urlsize,
                       char *why, size_t whysize);

/** Describe `group` once (blocks up to timeout_ms) into *out. */
void kafka_group_describe(rd_kafka_t *rk, const char *group, int timeout_ms,
                          kafka_group_view_t *out);

/*
 * A thread that describes the group every interval while asked to
 * (kafka_group_watch_want), since a describe blocks and the master's loop
 * must not.  rk must outlive the watch.
 */
typedef struct kafka_group_watch kafka_group_watch_t;

/** Start watching; NULL if no thread could be made.  Freed by kafka_group_watch_stop. */
kafka_group_watch_t *kafka_group_watch_start(rd_kafka_t *rk, const char *group,
                                             int interval_ms);

/** Whether describes are wanted (a leader of its own group needs none). */
void kafka_group_watch_want(kafka_group_watch_t *w, int want);

/** The latest view (a copy). */
void kafka_group_watch_get(kafka_group_watch_t *w, kafka_group_view_t *out);

/** Seed the view (from a describe run before the thread). */
void kafka_group_watch_set(kafka_group_watch_t *w, const kafka_group_view_t *v);

/** Stop the thread, wait for it, free the watch.  NULL is a no-op. */
void kafka_group_watch_stop(kafka_group_watch_t *w);

#endif
