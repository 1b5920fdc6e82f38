/*
 * journal_kafka_int.h - the Kafka journal's state and what its files call
 * of one another.  One module (journal_kafka) in five rooms sharing one
 * struct, as a state machine split by concern; nothing outside
 * src/journal/journal_kafka*.c includes this (the interface is journal.h's
 * journal_kafka_ops).
 */
#ifndef SCHEMAD_JOURNAL_KAFKA_INT_H
#define SCHEMAD_JOURNAL_KAFKA_INT_H

#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>

#include "config.h"
#include "journal.h"
#include "kafka_group.h"
#include "kafka_topic.h"

#define JOURNAL_KAFKA_DEFAULT_TOPIC "_schemas"
#define JOURNAL_KAFKA_DEFAULT_INIT_MS 60000
#define JOURNAL_KAFKA_DEFAULT_TIMEOUT_MS 500
/* Floor for message.timeout.ms: the ack wait (kafkastore.timeout.ms) is
 * short, but the record itself may keep being retried a little longer, as
 * Confluent's producer does (it may land after the client saw a timeout). */
#define JOURNAL_KAFKA_MIN_DELIVERY_MS 5000
/* Records applied per poll() before yielding back to the event loop. */
#define JOURNAL_KAFKA_BATCH 1000
/* The headers that name a record's writer and mark a claim. */
#define JOURNAL_KAFKA_H_WRITER "schemad.writer"
#define JOURNAL_KAFKA_H_CLAIM "schemad.claim"
#define JOURNAL_KAFKA_H_FLOOR "schemad.floor"
/* A transaction left open by a dead leader blocks read_committed readers
 * until the next leader's init_transactions aborts it, or this. */
#define JOURNAL_KAFKA_TXN_TIMEOUT_MS 10000
/* A new leader's init_transactions runs in the background: the loop waits
 * for it this long per poll, and says why once it has taken this long. */
#define JOURNAL_KAFKA_FENCE_SLICE_MS 20
#define JOURNAL_KAFKA_FENCE_MS 10000

/* Where this node stands as a writer of the topic. */
enum { JOURNAL_KAFKA_UNCLAIMED, JOURNAL_KAFKA_CLAIMING, JOURNAL_KAFKA_CLAIMED };

/* One append waiting for its ack. */
typedef struct journal_kafka_pending {
    struct journal_kafka_pending *next;
    void *cookie;               /* the caller's; not owned */
    int64_t offset;             /* -1 until the delivery report */
    int64_t deadline;           /* monotonic ms; JOURNAL_ETIMEOUT after it */
    int err;                    /* -1 while undecided, else the JOURNAL_* */
    int acked;                  /* ack() was called */
    int delivered;              /* librdkafka no longer refers to it */
    int committed;              /* its transaction committed (or none) */
    uint64_t txn;               /* the transaction it was produced in, 0 if none */
    int64_t id;                 /* a SCHEMA record's id, else 0 */
} journal_kafka_pending_t;

typedef struct journal_kafka {
    journal_t *j;               /* back pointer; not owned */
    rd_kafka_t *prod;           /* owned */
    rd_kafka_t *cons;           /* owned */
    rd_kafka_queue_t *pq;       /* producer main queue; owned reference */
    rd_kafka_queue_t *cq;       /* consumer queue; owned reference */
    char *topic;                /* owned */
    char *servers;              /* owned, for messages */
    int timeout_ms;
    int64_t next_offset;        /* offset after the last record applied */
    journal_kafka_pending_t *head;  /* owned, in append order */
    journal_kafka_pending_t *tail;
    int pipefd[2];              /* wakeups from both queues */
    int opening;                /* errors go to err[] rather than the log */
    int fatal;                  /* the producer raised a fatal error */
    kafka_topic_conn_t conn;    /* what open() learns; its last_err is the latest client error */
    char logged_err[512];       /* the last one logged, to log each once */
    char logged_write[512];     /* the same for failed writes */
    char *writer;               /* owned: this process's writer identity */
    int64_t start_hi;           /* offsets from here were written since open */
    char *claimant;             /* owned: the last claim's writer, or NULL */
    int claim;                  /* JOURNAL_KAFKA_UNCLAIMED ... */
    int64_t valid_from;         /* our records in [valid_from, valid_to) stand */
    int64_t valid_to;
    char refusal[768];          /* non-empty: this node no longer writes */
    rd_kafka_t *elect;          /* owned: the election's group member, or NULL */
    rd_kafka_queue_t *eq;       /* its queue; owned reference */
    int elected;                /* holds partition 0 in the group */
    int rebalanced;             /* the group assigned this member once */
    int eligible;               /* leader.eligibility */
    int session_ms;             /* kafkagroup.session.timeout.ms */
    int64_t reclaim_at;         /* deposed: no new claim before (monotonic ms) */
    char follow[768];           /* why a follower does not write */
    char leader_url[512];       /* the last claimant's scheme://host:port */
    rd_kafka_conf_t *tconf;     /* owned: the transactional producer's, copied per term */
    rd_kafka_conf_t *sconf;     /* owned: the floor scan's consumer, copied per scan */
    rd_kafka_t *tprod;          /* owned: this term's transactional producer, or NULL */
    rd_kafka_queue_t *tq;       /* its main queue; owned reference */
    char *txn_id;               /* owned: transactional.id, one per registry */
    int txn_off;                /* the cluster refuses transactions: claims alone fence */
    int txn_fatal;              /* the transactional producer raised a fatal error */
    int txn_open;               /* the current transaction holds records */
    int64_t committing;         /* a commit timed out: resumed until then (monotonic ms), else 0 */
    int64_t aborting;           /* an abort goes on: resumed until then, else 0 */
    int64_t fencing;            /* tprod's init_transactions runs since then, else 0 */
    int fence_logged;           /* a slow fence was logged */
    uint64_t txn_seq;           /* the current transaction's number (from 1) */
    int64_t floor_from;         /* offset of the last claim carrying a floor, or -1 */
    uint64_t term;              /* this node's claims, numbered (the claim header's value) */
    kafka_group_watch_t *gw;    /* owned: the group's holder, when not this node */
    int foreign_seen;           /* another registry held the group since the last claim read */
    char foreign_logged[512];   /* their leader as last logged */
    char *group;                /* owned: schema.registry.group.id */
} journal_kafka_t;

/* --- journal_kafka_client.c: the clients, their settings and callbacks --- */

void journal_kafka_client_on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque);

int journal_kafka_client_set(rd_kafka_conf_t *conf, const char *name, const char *value, char *err,
                             size_t errlen);

/* Settings both clients share: the cluster, security, pass-through, callbacks. */
rd_kafka_conf_t *journal_kafka_client_conf(journal_kafka_t *k, const config_t *cf, char *err,
                                           size_t errlen);

/* Create one client; its logs are then served from its main queue. */
rd_kafka_t *journal_kafka_client_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, char *err,
                                     size_t errlen);

/* The producers' settings; with a transactional.id, the leader's.  NULL
 * with a message on error.  Caller frees with rd_kafka_conf_destroy() or
 * hands it to rd_kafka_new(). */
rd_kafka_conf_t *journal_kafka_client_producer_conf(journal_kafka_t *k, const config_t *cf,
                                                    const char *txn_id, char *err, size_t errlen);

/* The journal's own producer (admin requests, and writes where the cluster
 * refuses transactions).  NULL with a message on error. */
rd_kafka_t *journal_kafka_client_producer(journal_kafka_t *k, const config_t *cf, char *err,
                                          size_t errlen);

/* A reader's settings: `isolation` read_committed for the journal (only
 * what a leader committed), read_uncommitted for the floor scan.  Caller
 * frees as above. */
rd_kafka_conf_t *journal_kafka_client_consumer_conf(journal_kafka_t *k, const config_t *cf,
                                                    const char *isolation, char *err,
                                                    size_t errlen);

/* The journal's reader (read_committed).  NULL with a message on error. */
rd_kafka_t *journal_kafka_client_consumer(journal_kafka_t *k, const config_t *cf, char *err,
                                          size_t errlen);

/*
 * Which librdkafka runs (a --with-system-librdkafka build may load an old
 * one), and, once, what an old one cannot do: before 2.6.1 it repeats the
 * client nonce in SCRAM's final message (librdkafka#4895), which Kafka
 * 4.x refuses as invalid credentials whatever the password.
 */
void journal_kafka_client_log_version(const config_t *cf);

/* --- journal_kafka_elect.c: one writer (claims, the election, the group's holder) --- */

/* A claim read at `offset`: its writer's records stand from here on. */
void journal_kafka_elect_on_claim(journal_kafka_t *k, int64_t offset, const void *w, size_t wlen,
                                  const void *c, size_t clen);

/* A standing record with no writer header written since our start: a
 * registry that is not schemad (or an older one) writes to the topic.
 * While that registry holds our group its records are its leader's, the
 * one writer the group allows: they are read as Confluent's followers
 * read them. */
void journal_kafka_elect_on_other(journal_kafka_t *k, int64_t offset);

/* The election's member of schema.registry.group.id, subscribed to the
 * topic (holding partition 0 is leading).  NULL with a message on error. */
rd_kafka_t *journal_kafka_elect_member(journal_kafka_t *k, const config_t *cf, char *err,
                                       size_t errlen);

/* At start, wait for the group's first assignment (as Confluent's init
 * does), so that a lone node writes as soon as it is ready.  A group that
 * cannot be joined (another registry's protocol holds it) is not fatal: the
 * node serves reads and refuses writes. */
void journal_kafka_elect_wait(journal_kafka_t *k, int64_t deadline);

/* Serve the election's callbacks; a new leader claims at once, so that the
 * followers learn who leads and its first write need not wait. */
void journal_kafka_elect_poll(journal_kafka_t *k);

/* Another registry's group: describes run on the watch's thread while
 * this node does not lead; their leader is logged when it changes. */
void journal_kafka_elect_watch_poll(journal_kafka_t *k);

/* This process's writer identity: where it listens, its pid, and a nonce
 * (a restarted node on the same URL is another writer).  Caller frees. */
char *journal_kafka_elect_identity(const config_t *cf);

/* Learn who holds the group before the first write is planned (a node
 * that did not get into it may stand beside Confluent's), then keep
 * watching on a thread. */
void journal_kafka_elect_watch_start(journal_kafka_t *k, const config_t *cf, int64_t deadline);

/*
 * Before its first write a node claims the topic and waits until it has
 * read its claim back: every record before the claim is then applied (ids
 * are allocated above them), and every other writer's record after it is
 * fenced on every node.
 */
int journal_kafka_elect_claim(journal_t *j);

/* Why this node does not write now (a follower, another registry's group,
 * a refusal for good), or NULL when it does. */
const char *journal_kafka_elect_refusal(journal_t *j);

/* Where a follower sends writes: the leader of the registry that holds
 * the group if it is not schemad, else the URL of the last claim's writer. */
int journal_kafka_elect_follows(journal_t *j, const char **url);

/* --- journal_kafka_read.c: reading the topic in offset order --- */

/* Apply an id floor as the record the store knows (record.h): every later
 * id is above `id`.  Not a record of the topic: applied at `offset`, the
 * claim's, or the last one read. */
void journal_kafka_read_floor(journal_kafka_t *k, int64_t offset, int64_t id);

/* Apply one consumed message, or note the consumer error it carries. */
void journal_kafka_read_consume(journal_kafka_t *k, rd_kafka_message_t *m);

/* Read and apply everything up to the high watermark seen now. */
int journal_kafka_read_replay(journal_kafka_t *k, int64_t deadline, char *err, size_t errlen);

/* The id of a SCHEMA record, else 0. */
int64_t journal_kafka_read_schema_id(const char *k, size_t klen, const char *val, size_t vlen);

/* --- journal_kafka_txn.c: transactions (terms, fences, commits, the id floor) --- */

/*
 * End this term's transactional producer: abort what it holds open (its
 * records never reach a reader of committed records), fail its writes not
 * committed, destroy it.  Committed writes are still acked once read back.
 */
void journal_kafka_txn_end(journal_kafka_t *k);

/*
 * A new term: a transactional producer whose init_transactions fences every
 * earlier holder of the registry's transactional.id at the broker (the
 * transaction it left open is aborted, its later produce requests are
 * refused).  The fence goes on in the background (the coordinator may first
 * have to abort, or to be found): each call waits for it a few ms and
 * resumes it.  Returns 0 with k->tprod ready, 0 with txn_off set when the
 * cluster refuses transactions, 1 while the fence goes on (call again), -1
 * to try again later.
 */
int journal_kafka_txn_begin_term(journal_kafka_t *k);

/*
 * The highest schema id in any record from `from` to the end, committed or
 * not (read_uncommitted), or -1 if the topic could not be read in time.
 * Run by a new leader once it has fenced the previous one, so that the end
 * no longer moves: aborted records (the transaction a deposed leader left
 * open, a commit that failed) are invisible to this node's reader but not
 * to a reader of uncommitted records, and their ids must not be given
 * again.  Every claim carries the result, so the next leader reads on
 * from that claim only.
 */
int64_t journal_kafka_txn_scan_floor(journal_kafka_t *k, int64_t from);

/*
 * Commit the open transaction: its writes become visible to every reader
 * at once, and are acked once read back.  A commit that times out goes on
 * in the background, resumed at each poll for a few ms (writes wait
 * meanwhile), until it ends or the transaction's own timeout passes.  One
 * that fails for a while (its records timed out) is aborted and the leader
 * goes on.  One fenced (a newer leader's init_transactions bumped the
 * epoch; also how a resumed zombie learns it, its group membership still
 * looking current for a moment), or that cannot be aborted, ends the term.
 */
void journal_kafka_txn_commit(journal_kafka_t *k);

/* What an eligible node needs to lead a term: the transactional producer's
 * settings (one transactional.id per registry: its group and topic) and
 * the floor scan's.  Kept as templates, as the config may be reloaded. */
int journal_kafka_txn_conf(journal_kafka_t *k, const config_t *cf, char *err, size_t errlen);

/* The producer of this term's writes, inside a transaction begun if none
 * is open; NULL when it cannot write (no term, or a fatal error). */
rd_kafka_t *journal_kafka_txn_writer(journal_kafka_t *k);

/* --- journal_kafka.c: appends and their acks --- */

/* librdkafka's delivery report: the pending append gets its offset or error. */
void journal_kafka_on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque);

/*
 * Claim the topic before our first record: a NOOP with the claim header.
 * With transactions, first fence the previous leader (a new term) and read
 * every record since the last floor, committed or not; the claim carries
 * the highest id seen (the barrier: once read back, every id below is
 * known).  Blocks the caller for the fence and the read (a failover).
 */
void journal_kafka_send_claim(journal_kafka_t *k);

#endif
