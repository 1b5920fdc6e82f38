/*
 * journal.h - the log of records that is the source of truth: a Kafka topic
 * or a local append-only file, behind one interface.
 *
 * Every record is applied through the `apply` callback, in log order, on
 * replay and at run time alike.  An append is acknowledged through the `ack`
 * callback only once the record has been applied (read-your-writes) and, for
 * the file backend, fsynced.  Keys and values are Confluent's exact bytes
 * (record.h); a NULL value is a tombstone.
 */
#ifndef SCHEMAD_JOURNAL_H
#define SCHEMAD_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

struct config;

typedef struct journal journal_t;

/**
 * Called for each record in log order.  `val` is NULL for a tombstone.
 * `ts` is the record's timestamp (ms since the epoch: a Kafka message's),
 * or -1 when the journal keeps none (the file journal's format has none).
 */
typedef void (*journal_apply_fn)(void *ctx, int64_t offset, int64_t ts,
                                 const char *key, size_t klen,
                                 const char *val, size_t vlen);

/**
 * Called once per journal_append(): err 0 when the record is durable and
 * applied, else JOURNAL_ESTORE (the store refused or failed it) or
 * JOURNAL_ETIMEOUT (no answer within kafkastore.timeout.ms).
 */
typedef void (*journal_ack_fn)(void *ctx, void *cookie, int err);

enum { JOURNAL_OK = 0, JOURNAL_ESTORE = 1, JOURNAL_ETIMEOUT = 2 };

typedef struct journal_ops {
    const char *name;
    /* 1 when append() applies the record before returning (the file: it is
     * the only writer, so the record's place in the log is known at once);
     * then the master may plan the next write without waiting for acks. */
    int applies_on_append;
    /* Open, replay up to the end seen at start (calling apply), return 0 or
     * -1 with a message in err[errlen]. */
    int (*open)(journal_t *j, const struct config *cf, char *err, size_t errlen);
    /* Queue one record; ack() is called later from poll(). */
    int (*append)(journal_t *j, const char *key, size_t klen,
                  const char *val, size_t vlen, void *cookie);
    /* Do pending work for at most timeout_ms: consume and apply records,
     * make appends durable, call acks.  Returns 0, or -1 on a fatal error. */
    int (*poll)(journal_t *j, int timeout_ms);
    /* A file descriptor that becomes readable when poll() has work, or -1. */
    int (*fd)(journal_t *j);
    void (*close)(journal_t *j);
    /* Why this node must not write (another writer was seen), or NULL when
     * it may; NULL if the backend never refuses.  The string stays valid
     * until close(). */
    const char *(*refusal)(journal_t *j);
    /* 1 when this node may plan a write now: it holds the topic and has
     * read everything before its claim.  Else 0, and a claim is on its way
     * (poll() applies it; ask again).  NULL if the backend needs none. */
    int (*claim)(journal_t *j);
    /* 1 when this node is a follower (another node is elected, or
     * leader.eligibility is false), with *url set to the leader's
     * scheme://host:port (valid until the next call), or NULL when no leader
     * is known; a follower forwards writes there.  0 when this node writes
     * or refuses for good (refusal() says why).  NULL: no election. */
    int (*follows)(journal_t *j, const char **url);
} journal_ops_t;

struct journal {
    const journal_ops_t *ops;
    journal_apply_fn apply;
    journal_ack_fn ack;
    /* Called instead of apply for a record a fenced writer wrote (one that
     * lost the topic to a later writer's claim): every node skips it alike,
     * but its ids must never be given again.  May be NULL. */
    journal_apply_fn fenced;
    void *ctx;          /* passed to apply and ack; not owned */
    void *impl;         /* the backend's own state; owned by the backend */
};

extern const journal_ops_t journal_file_ops;
extern const journal_ops_t journal_kafka_ops;

/** Pick the backend named by the config (`journal=` file|kafka). */
const journal_ops_t *journal_backend(const struct config *cf);

#endif
