/* deadline.h - monotonic milliseconds, for waits bounded by a deadline. */
#ifndef SCHEMAD_DEADLINE_H
#define SCHEMAD_DEADLINE_H

#include <stdint.h>

/** CLOCK_MONOTONIC in milliseconds. */
int64_t deadline_now_ms(void);

/** Milliseconds until `deadline` (a deadline_now_ms() value), 0 once past. */
int deadline_left_ms(int64_t deadline);

/** The next wait: what is left, but at most `max` ms. */
int deadline_slice_ms(int64_t deadline, int max);

#endif
