/* deadline.c - monotonic milliseconds, for waits bounded by a deadline. */
#include "deadline.h"

#include <time.h>

int64_t
deadline_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
deadline_left_ms(int64_t deadline)
{
    int64_t left = deadline - deadline_now_ms();
    if (left < 0)
        return 0;
    return left > INT32_MAX ? INT32_MAX : (int)left;
}

int
deadline_slice_ms(int64_t deadline, int max)
{
    int left = deadline_left_ms(deadline);
    return left < max ? left : max;
}
