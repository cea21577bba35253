/*
 * sandbox/sandbox_int.h — helpers shared by the manager's files; not for other modules.
 */
#ifndef CHELA_SANDBOX_SANDBOX_INT_H
#define CHELA_SANDBOX_SANDBOX_INT_H

#include "sandbox/sandbox_manager.h"

/* sandbox_state.c: bookkeeping files under m->state_dir. */
int sandbox_lock_acquire(const struct sandbox_mgr *m, const char *name, int *fd, char *err, size_t errlen);
void sandbox_lock_release(int fd);
void sandbox_mark_used(const struct sandbox_mgr *m, const char *name);
int sandbox_setup_done(const struct sandbox_mgr *m, const char *name, const char *id);
int sandbox_setup_record(const struct sandbox_mgr *m, const char *name, const char *id, char *err, size_t errlen);
void sandbox_state_forget(const struct sandbox_mgr *m, const char *name);

/* sandbox_seed.c: create the sandbox workspace, copy the seed files and mirror skills/. */
int sandbox_workspace_prepare(const struct sandbox_spec *spec, char *err, size_t errlen);

#endif
