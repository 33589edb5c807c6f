// ThreadSanitizer builds only (the `tsan` preset): teaches TSan what absl::Mutex does.
//
// Debian's Abseil is not built with -fsanitize=thread, so TSan cannot see that absl::Mutex orders
// the accesses it guards and would report every one of them as a race. This file, linked into
// the test program, interposes the absl::Mutex member functions socle calls: each forwards to the
// real one in libabsl_synchronization (dlsym RTLD_NEXT) between TSan's mutex annotations
// (sanitizer/tsan_interface.h), so TSan knows the lock is taken and released. socle's own code is
// instrumented; Abseil's and protobuf's internals are not (docs/access-rules.md, "Concurrency").
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/base/config.h"
#include "absl/base/macros.h"
#include "absl/synchronization/mutex.h"

namespace {

// The mangled name of absl::Mutex::<method>, in this Abseil's inline namespace.
std::string Mangled(const char* method_and_args) {
#if ABSL_OPTION_USE_INLINE_NAMESPACE
  const std::string ns = ABSL_INTERNAL_TOKEN_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  return "_ZN4absl" + std::to_string(ns.size()) + ns + "5Mutex" + method_and_args;
#else
  return std::string("_ZN4absl5Mutex") + method_and_args;
#endif
}

template <typename F>
F Real(const char* method_and_args) {
  void* f = dlsym(RTLD_NEXT, Mangled(method_and_args).c_str());
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl_mutex: %s not found\n", Mangled(method_and_args).c_str());
    std::abort();
  }
  return reinterpret_cast<F>(f);
}

using Plain = void (*)(absl::Mutex*);
using Try = bool (*)(absl::Mutex*);

void Locked(absl::Mutex* mu, unsigned flags, Plain real) {
  __tsan_mutex_pre_lock(mu, flags);
  real(mu);
  __tsan_mutex_post_lock(mu, flags, 0);
}

void Unlocked(absl::Mutex* mu, unsigned flags, Plain real) {
  __tsan_mutex_pre_unlock(mu, flags);
  real(mu);
  __tsan_mutex_post_unlock(mu, flags);
}

bool TryLocked(absl::Mutex* mu, unsigned flags, Try real) {
  __tsan_mutex_pre_lock(mu, flags | __tsan_mutex_try_lock);
  const bool locked = real(mu);
  __tsan_mutex_post_lock(
      mu, flags | __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed), 0);
  return locked;
}

// Abseil evaluates a condition with the mutex held, inside its own (uninstrumented) code: the
// waiting thread after taking the lock again, or the unlocking thread. The wrapped condition
// tells TSan the lock is held while the caller's condition runs.
struct Guarded {
  absl::Mutex* mu;
  const absl::Condition* cond;
  static bool Eval(Guarded* g) {
    __tsan_mutex_pre_lock(g->mu, 0);
    __tsan_mutex_post_lock(g->mu, 0, 0);
    const bool result = g->cond->Eval();
    __tsan_mutex_pre_unlock(g->mu, 0);
    __tsan_mutex_post_unlock(g->mu, 0);
    return result;
  }
};

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  static const Plain real = Real<Plain>("4LockEv");
  Locked(this, 0, real);
}
void Mutex::Unlock() {
  static const Plain real = Real<Plain>("6UnlockEv");
  Unlocked(this, 0, real);
}
bool Mutex::TryLock() {
  static const Try real = Real<Try>("7TryLockEv");
  return TryLocked(this, 0, real);
}
void Mutex::ReaderLock() {
  static const Plain real = Real<Plain>("10ReaderLockEv");
  Locked(this, __tsan_mutex_read_lock, real);
}
void Mutex::ReaderUnlock() {
  static const Plain real = Real<Plain>("12ReaderUnlockEv");
  Unlocked(this, __tsan_mutex_read_lock, real);
}
bool Mutex::ReaderTryLock() {
  static const Try real = Real<Try>("13ReaderTryLockEv");
  return TryLocked(this, __tsan_mutex_read_lock, real);
}
// Await releases the (writer) lock while it waits and takes it again before it returns; the
// condition runs under the lock (Guarded).
void Mutex::Await(const Condition& cond) {
  using F = void (*)(Mutex*, const Condition&);
  static const F real = Real<F>("5AwaitERKNS0_9ConditionE");
  __tsan_mutex_pre_unlock(this, 0);
  __tsan_mutex_post_unlock(this, 0);
  Guarded guarded{this, &cond};
  real(this, Condition(&Guarded::Eval, &guarded));
  __tsan_mutex_pre_lock(this, 0);
  __tsan_mutex_post_lock(this, 0, 0);
}
bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  using F = bool (*)(Mutex*, const Condition&, absl::Duration);
  static const F real = Real<F>("16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  __tsan_mutex_pre_unlock(this, 0);
  __tsan_mutex_post_unlock(this, 0);
  Guarded guarded{this, &cond};
  const bool reached = real(this, Condition(&Guarded::Eval, &guarded), timeout);
  __tsan_mutex_pre_lock(this, 0);
  __tsan_mutex_post_lock(this, 0, 0);
  return reached;
}

ABSL_NAMESPACE_END
}  // namespace absl
