/* test_deadline.c - monotonic deadlines: what is left, and the next slice. */
#include <stdint.h>

#include "deadline.h"
#include "tally.h"

int
main(void)
{
    tally_t t = {0, 0};
    int64_t now = deadline_now_ms();
    check(&t, now > 0 && deadline_now_ms() >= now, "the clock is monotonic");
    check(&t, deadline_left_ms(now - 5) == 0, "a past deadline has nothing left");
    int left = deadline_left_ms(now + 10000);
    check(&t, left > 9000 && left <= 10000, "a deadline 10 s away has about 10 s left");
    check(&t, deadline_slice_ms(now + 10000, 250) == 250, "a slice is capped at its max");
    check(&t, deadline_slice_ms(now - 1, 250) == 0, "a slice past the deadline is 0");
    check(&t, deadline_left_ms(INT64_MAX) == INT32_MAX, "a far deadline does not overflow an int");
    return tally_report(&t);
}
