/* An LD_PRELOAD shim for the vault's crash test: makes chosen calls of fsync/fdatasync (one
 * count for both) and rename fail with EIO. SOCLE_FAULT_FSYNC and SOCLE_FAULT_RENAME hold
 * comma-separated call numbers, counted from 1 in each process. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

static unsigned long sync_calls;
static unsigned long rename_calls;

static int should_fail(const char* variable, unsigned long* counter) {
  const unsigned long n = __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
  const char* list = getenv(variable);
  while (list != NULL && *list != '\0') {
    char* end = NULL;
    const unsigned long at = strtoul(list, &end, 10);
    if (end == list) return 0;
    if (at == n) return 1;
    list = *end == ',' ? end + 1 : end;
  }
  return 0;
}

__attribute__((visibility("default"))) int fsync(int fd) {
  static int (*real)(int);
  if (should_fail("SOCLE_FAULT_FSYNC", &sync_calls)) {
    errno = EIO;
    return -1;
  }
  if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  return real(fd);
}

__attribute__((visibility("default"))) int fdatasync(int fd) {
  static int (*real)(int);
  if (should_fail("SOCLE_FAULT_FSYNC", &sync_calls)) {
    errno = EIO;
    return -1;
  }
  if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  return real(fd);
}

__attribute__((visibility("default"))) int rename(const char* from, const char* to) {
  static int (*real)(const char*, const char*);
  if (should_fail("SOCLE_FAULT_RENAME", &rename_calls)) {
    errno = EIO;
    return -1;
  }
  if (real == NULL) real = (int (*)(const char*, const char*))dlsym(RTLD_NEXT, "rename");
  return real(from, to);
}
