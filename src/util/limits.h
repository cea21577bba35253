/*
 * util/limits.h — every limit and default chela has, as named constants, in one place.
 *
 * Contract: modules take their caps from here instead of writing numbers inline, so a reader
 * can see every bound at once and a fuzz target can reason about them. Changing a value here
 * changes behaviour everywhere that bound applies.
 */
#ifndef CHELA_UTIL_LIMITS_H
#define CHELA_UTIL_LIMITS_H

/* --- configuration --- */
#define CONFIG_MAX_FILE_BYTES      (1024 * 1024) /* a config larger than this is refused */
#define CONFIG_MAX_ERRORS          64            /* errors collected before giving up */
#define CONFIG_MAX_AGENTS          64
#define CONFIG_MAX_LIST_ITEMS      256           /* items in one list value (all repeats together) */
#define CONFIG_MAX_VALUE_BYTES     4096          /* one value after ${VAR} expansion */
#define CONFIG_AGENT_ID_MAX        24            /* [agent.<id>.sandbox.docker.env] fits inih's 49-char section names */

/* --- gateway defaults --- */
#define GATEWAY_DEFAULT_PORT       18789
#define GATEWAY_TOKEN_BYTES        24            /* random bytes in a generated token */

/* --- sessions --- */
#define SESSION_KEY_MAX            256
#define SANDBOX_SLUG_MAX           63
#define SANDBOX_SLUG_PREFIX_MAX    32

/* --- sandbox defaults --- */
#define SANDBOX_DEFAULT_IMAGE      "chela-sandbox:bookworm-slim"
#define SANDBOX_DEFAULT_PREFIX     "chela-sbx-"
#define SANDBOX_DEFAULT_PIDS       256
#define SANDBOX_STALE_GRACE_MS     (5 * 60 * 1000) /* recently used: do not recreate, report stale */

/* --- process-wide --- */
#define CHELA_EXIT_OK              0
#define CHELA_EXIT_FAILURE         1
#define CHELA_EXIT_USAGE           2
#define CHELA_EXIT_CONFIG          78            /* EX_CONFIG: systemd RestartPreventExitStatus=78 */

#endif
