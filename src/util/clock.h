/*
 * util/clock.h — time in milliseconds.
 *
 * clock_mono_ms() for deadlines and durations (never goes backwards); clock_wall_ms() for
 * timestamps that are stored or shown (labels, transcripts).
 */
#ifndef CHELA_UTIL_CLOCK_H
#define CHELA_UTIL_CLOCK_H

#include <stdint.h>

int64_t clock_mono_ms(void);
int64_t clock_wall_ms(void);

#endif
