/*
 * config/config_import.h — `chela config import`: an OpenClaw config (JSON or JSON5) → chela INI.
 *
 * Contract:
 *   - config_import_openclaw() parses (json_text, len) with json5_parse() (no I/O of its own) and
 *     writes a chela INI file to ini_out: [gateway], [model], [session], [agents.defaults*],
 *     [tools*], one [agent.<id>*] group per OpenClaw agent, [channel.telegram|discord].
 *   - Every OpenClaw key it cannot carry over is named on report_out, one line each:
 *       not carried over: agents.defaults.sandbox.browser (chela has no sandboxed browser)
 *     and every change of meaning it had to make is a "note:" line. Nothing is dropped silently.
 *   - Secrets are never copied inline: an env reference ("${NAME}" or a SecretRef with source
 *     "env") stays a ${NAME} placeholder; a literal secret becomes ${CHELA_GATEWAY_TOKEN},
 *     ${TELEGRAM_BOT_TOKEN}, ... and a note tells the user which variable to set.
 *   - Returns 0 when the INI was written (even with items not carried over), -1 with a sentence
 *     in err when the input is not a JSON5 object ("json5: line 3, column 9: ..."). Either stream
 *     may be NULL (its output is discarded).
 */
#ifndef CHELA_CONFIG_CONFIG_IMPORT_H
#define CHELA_CONFIG_CONFIG_IMPORT_H

#include <stddef.h>
#include <stdio.h>

int config_import_openclaw(const char *json_text, size_t len, FILE *ini_out, FILE *report_out, char *err,
			   size_t errlen);

#endif
