#include "chat/stop_signal.hpp"

#include <csignal>
#include <pthread.h>
#include <unistd.h>

namespace imchat::chat {

stop_signal::stop_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  waiter_ = std::thread([this, set] {
    for (;;) {
      int number = 0;
      if (sigwait(&set, &number) != 0) continue;
      if (requested_.exchange(true)) _exit(1);  // a second signal: the user insists
      signal_ = number;
    }
  });
}

// The waiting thread stays in sigwait() until the process ends; it touches nothing but
// this object's atomics, and the object lives until main returns.
stop_signal::~stop_signal() { waiter_.detach(); }

}  // namespace imchat::chat
